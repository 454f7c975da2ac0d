#!/usr/bin/env bash
# The billing part of the README's tour against a running seatd: create an org on a fresh domain,
# an owner token, quote and buy a change, replay it, list invoices, the renewal and the audit log,
# invite someone; at the end it prints the org, domain and token it made, as shell assignments.
# Usage: SEATD_OPERATOR_TOKEN=... [SEATD_URL=http://localhost:3000] examples/tour.sh
set -euo pipefail
URL=${SEATD_URL:-http://localhost:3000}
: "${SEATD_OPERATOR_TOKEN:?set SEATD_OPERATOR_TOKEN to the operator token of the server}"
DOMAIN=${TOUR_DOMAIN:-tour-$RANDOM.example}
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v=JSON.parse(s);for(const k of process.argv[1].split("."))v=v[k];console.log(v)})' "$1"; }
say() { printf '\n== %s\n' "$*"; }

# The worked billing example (term from 1 January, change on 1 March, 10 months remaining) shifted to
# today: the term starts on the 1st two months ago and the change is on the 1st of this month.
START=$(node -e 'const d=new Date();d.setUTCDate(1);d.setUTCMonth(d.getUTCMonth()-2);console.log(d.toISOString().slice(0,10))')
CHANGE=$(node -e 'const d=new Date();d.setUTCDate(1);console.log(d.toISOString().slice(0,10))')

say "create the org (operator API)"
ORG=$(curl -sS --fail-with-body "$URL/api/v1/orgs" -H "Authorization: Bearer $SEATD_OPERATOR_TOKEN" -H 'Content-Type: application/json' -d "{
  \"name\": \"Tour Inc\", \"domains\": [\"$DOMAIN\"], \"primaryOwnerEmail\": \"owner@$DOMAIN\",
  \"primaryOwnerName\": {\"givenName\": \"Ada\", \"familyName\": \"Lovelace\"}, \"provisioningMode\": \"manual\",
  \"contract\": {\"termStart\": \"$START\", \"autoRenew\": true, \"currency\": \"USD\",
               \"prices\": {\"standard\": 36000, \"premium\": 72000}, \"seats\": {\"standard\": 100, \"premium\": 0}}}" | field id)
echo "org: $ORG"

say "an owner API token (shown once)"
TOKEN=$(curl -sS --fail-with-body "$URL/api/v1/orgs/$ORG/api-tokens" -H "Authorization: Bearer $SEATD_OPERATOR_TOKEN" \
  -H 'Content-Type: application/json' -d '{"role":"owner","label":"tour"}' | field token)
AUTH="Authorization: Bearer $TOKEN"

say "seats"
curl -sS --fail-with-body "$URL/api/v1/orgs/$ORG/seats" -H "$AUTH"; echo

BODY='{"add":{"standard":5,"premium":0},"upgrade":{"standardToPremium":10},"effectiveDate":"'$CHANGE'"}'
say "quote: on $CHANGE, two months into the term, +5 Standard and 10 upgrades"
curl -sS --fail-with-body "$URL/api/v1/orgs/$ORG/seats/quote" -H "$AUTH" -H 'Content-Type: application/json' -d "$BODY"; echo

say "purchase (201), then the same request again (200, same invoice)"
curl -sS --fail-with-body -o /dev/null -w '%{http_code}\n' "$URL/api/v1/orgs/$ORG/seats/purchases" -H "$AUTH" -H 'Idempotency-Key: tour-1' -H 'Content-Type: application/json' -d "$BODY"
curl -sS --fail-with-body -w '\n%{http_code}\n' "$URL/api/v1/orgs/$ORG/seats/purchases" -H "$AUTH" -H 'Idempotency-Key: tour-1' -H 'Content-Type: application/json' -d "$BODY"

say "seats after the change"
curl -sS --fail-with-body "$URL/api/v1/orgs/$ORG/seats" -H "$AUTH"; echo
say "invoices"
curl -sS --fail-with-body "$URL/api/v1/orgs/$ORG/invoices" -H "$AUTH"; echo
say "renewal quote"
curl -sS --fail-with-body "$URL/api/v1/orgs/$ORG/renewal" -H "$AUTH"; echo

say "invite jane@$DOMAIN with a Premium seat (the mail goes to SMTP or the outbox folder)"
curl -sS --fail-with-body "$URL/api/v1/orgs/$ORG/members" -H "$AUTH" -H 'Content-Type: application/json' \
  -d "{\"email\":\"jane@$DOMAIN\",\"role\":\"member\",\"seatType\":\"premium\"}"; echo

say "audit log"
curl -sS --fail-with-body "$URL/api/v1/orgs/$ORG/audit?limit=10" -H "$AUTH"; echo

say "made (paste these lines into your shell to go on from here)"
echo "ORG=$ORG"
echo "DOMAIN=$DOMAIN"
echo "TOKEN=$TOKEN"
