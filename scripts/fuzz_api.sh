#!/usr/bin/env bash
# A deeper Schemathesis run than CI's: random (not derandomised) cases, more of them, and the write
# operations too (each persona's writes are rolled back with its test's transaction).
#
#   scripts/fuzz_api.sh                      # 100 cases per operation, every method
#   EXAMPLES=500 METHODS=GET scripts/fuzz_api.sh -k met
#
# Extra arguments go to pytest. Prints the same per-persona figures as `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_RANDOM=1 \
SCHEMATHESIS_EXAMPLES="${EXAMPLES:-100}" \
SCHEMATHESIS_METHODS="${METHODS:-all}" \
SCHEMATHESIS_SHOWN="${SHOWN:-50}" \
  .venv/bin/python -m pytest -p no:xdist tests/test_api_schemathesis.py "$@"
