#!/usr/bin/env bash
# A typical provisioning session, as an identity provider runs it, against a running seatd.
# Usage: SCIM_TOKEN=sdscim_… DOMAIN=acme.com [SEATD_URL=http://localhost:3000] [SCIM_USER=sam] examples/scim-session.sh
# A user that exists already is refused (409 uniqueness), so each run picks a new name unless SCIM_USER is set.
set -euo pipefail
URL=${SEATD_URL:-http://localhost:3000}/scim/v2
: "${SCIM_TOKEN:?set SCIM_TOKEN (POST /api/v1/orgs/{org}/scim-tokens)}"
: "${DOMAIN:?set DOMAIN to one of the org verified domains}"
USER_NAME="${SCIM_USER:-sam-$RANDOM}@$DOMAIN"
H=(-H "Authorization: Bearer $SCIM_TOKEN" -H 'Content-Type: application/scim+json')
# --fail-with-body: on an error, curl still prints the SCIM error seatd answered, then the script stops
scim() { curl -sS --fail-with-body "${H[@]}" "$@"; }
# the id of the resource read from stdin; anything else (a SCIM error) is shown as it came, and stops the script
id() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v;try{v=JSON.parse(s)}catch{}if(!v||!v.id){process.stderr.write(s+"\n");process.exit(1)}console.log(v.id)})'; }
say() { printf '\n== %s\n' "$*"; }

say "does the user exist?"
scim "$URL/Users?filter=$(node -pe "encodeURIComponent('userName eq \"$USER_NAME\"')")&startIndex=1&count=100"; echo
say "create (takes a seat; 403 'No seat is free' when none is)"
USER_ID=$(scim -X POST "$URL/Users" -d "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"$USER_NAME\",
  \"name\":{\"givenName\":\"Sam\",\"familyName\":\"Doe\"},\"emails\":[{\"primary\":true,\"value\":\"$USER_NAME\",\"type\":\"work\"}],\"active\":true}" | id)
echo "id: $USER_ID"
say "push a group with the user in it"
GROUP_ID=$(scim -X POST "$URL/Groups" -d "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],\"displayName\":\"Design $RANDOM\",\"members\":[{\"value\":\"$USER_ID\"}]}" | id)
say "read the user back (seat type in the seatd extension)"
scim "$URL/Users/$USER_ID"; echo
say "deactivate (frees the seat)"
scim -X PATCH "$URL/Users/$USER_ID" -d '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}'; echo
say "remove the user from the group, delete the group and the user"
scim -X PATCH "$URL/Groups/$GROUP_ID" -d "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"remove\",\"path\":\"members[value eq \\\"$USER_ID\\\"]\"}]}" -o /dev/null -w '%{http_code}\n'
scim -X DELETE "$URL/Groups/$GROUP_ID" -o /dev/null -w '%{http_code}\n'
scim -X DELETE "$URL/Users/$USER_ID" -o /dev/null -w '%{http_code}\n'
