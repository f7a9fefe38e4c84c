#!/bin/bash
# Makes one office of this folder with an old build: `make.sh SAMENSPEL FOLDER` with SAMENSPEL_DATA (SQLite)
# or SAMENSPEL_POSTGRES_URL (PostgreSQL) set to an empty store. See README.md.
set -euo pipefail
S=$1; cd "$2"
N=$($S admin team create --name Noord); Z=$($S admin team create --name Zuid)
SA=$($S admin professional create --name Sanne --discipline clientManager --team "$N")
AH=$($S admin professional create --name Ahmed --discipline incomeConsultant --team "$N")
OL=$($S admin professional create --name Olaf --discipline accountManager --team "$Z")
J=$($S admin client create --name Jaap --team "$N"); M=$($S admin client create --name Mira --team "$N")
E=$($S admin client create --name Eva --team "$N")
$S serve --port 18082 > serve.log 2>&1 & SP=$!; sleep 2
for p in sanne:$SA ahmed:$AH olaf:$OL; do
    n=${p%%:*}; code=$($S admin enroll --professional "${p#*:}")
    $S enroll --replica "$n" --server http://127.0.0.1:18082 --code "$code"; $S sync --replica "$n"
done
$S note add --replica sanne --client "$J" --text "Huisbezoek: Jaap wil werken maar mist zelfvertrouwen" \
    --behaviour jobSearch --determinant selfEfficacy
$S note add --replica ahmed --client "$J" --text "Schulden bij de energieleverancier" --visibility discipline
$S note add --replica sanne --client "$M" --text "Mira start met de taalcursus"
$S note add --replica sanne --client "$E" --text "Eva: notitie die met de wissing verdwijnt"
for n in sanne ahmed olaf; do $S sync --replica "$n"; done
$S admin client move "$M" --team "$Z"
$S admin client erase "$E" --reason AVG-2026-001
for n in sanne ahmed olaf; do $S sync --replica "$n"; done
$S note add --replica olaf --client "$M" --text "Werkgever gevonden voor Mira"
$S sync --replica olaf
$S note add --replica sanne --client "$J" --text "Onverzonden: afspraak met de werkcoach"
# Version 3 keeps its search index in the file: fill it, so that the upgrade must scrub its words too.
for n in sanne ahmed olaf; do $S search --replica "$n" --query werk > /dev/null; done
kill $SP; wait $SP || true
printf '{"jaap": "%s", "mira": "%s", "eva": "%s", "noord": "%s", "zuid": "%s"}\n' "$J" "$M" "$E" "$N" "$Z" > fixture.json
