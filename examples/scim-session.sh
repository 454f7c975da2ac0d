#!/usr/bin/env bash
# A typical provisioning session, as an identity provider runs it, against a running seatd.
# Usage: SCIM_TOKEN=sdscim_… DOMAIN=acme.com [SEATD_URL=http://localhost:3000] examples/scim-session.sh
set -euo pipefail
URL=${SEATD_URL:-http://localhost:3000}/scim/v2
: "${SCIM_TOKEN:?set SCIM_TOKEN (POST /api/v1/orgs/{org}/scim-tokens)}"
: "${DOMAIN:?set DOMAIN to one of the org verified domains}"
H=(-H "Authorization: Bearer $SCIM_TOKEN" -H 'Content-Type: application/scim+json')
id() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).id))'; }
say() { printf '\n== %s\n' "$*"; }

say "does the user exist?"
curl -fsS "${H[@]}" "$URL/Users?filter=$(node -pe "encodeURIComponent('userName eq \"jane@$DOMAIN\"')")&startIndex=1&count=100"; echo
say "create (takes a seat; 403 'No seat is free' when none is)"
USER_ID=$(curl -fsS "${H[@]}" -X POST "$URL/Users" -d "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"jane@$DOMAIN\",
  \"name\":{\"givenName\":\"Jane\",\"familyName\":\"Doe\"},\"emails\":[{\"primary\":true,\"value\":\"jane@$DOMAIN\",\"type\":\"work\"}],\"active\":true}" | id)
echo "id: $USER_ID"
say "push a group with her in it"
GROUP_ID=$(curl -fsS "${H[@]}" -X POST "$URL/Groups" -d "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"Design\",\"members\":[{\"value\":\"$USER_ID\"}]}" | id)
say "read her back (seat type in the seatd extension)"
curl -fsS "${H[@]}" "$URL/Users/$USER_ID"; echo
say "deactivate (frees the seat)"
curl -fsS "${H[@]}" -X PATCH "$URL/Users/$USER_ID" -d '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}'; echo
say "remove her from the group, delete the group and the user"
curl -fsS "${H[@]}" -X PATCH "$URL/Groups/$GROUP_ID" -d "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"remove\",\"path\":\"members[value eq \\\"$USER_ID\\\"]\"}]}" -o /dev/null -w '%{http_code}\n'
curl -fsS "${H[@]}" -X DELETE "$URL/Groups/$GROUP_ID" -o /dev/null -w '%{http_code}\n'
curl -fsS "${H[@]}" -X DELETE "$URL/Users/$USER_ID" -o /dev/null -w '%{http_code}\n'
