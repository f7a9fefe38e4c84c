#!/bin/bash
# Makes this folder's office with an old build: `make.sh SAMENSPEL FOLDER` with SAMENSPEL_DATA set to an
# empty store. See README.md. The office is schema-v1's (its make.sh), and then each laptop searches once.
set -euo pipefail
S=$1
bash "$(dirname "$0")/../schema-v1/make.sh" "$S" "$2"
cd "$2"
# Version 3 keeps its search index in the file: fill it, so that the upgrade must scrub its words too.
for n in sanne ahmed olaf; do $S search --replica "$n" --query werk > /dev/null; done
