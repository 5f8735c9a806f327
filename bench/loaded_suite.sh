#!/usr/bin/env bash
# The suite on a loaded machine: no test may depend on the machine's speed.
#
#   bash bench/loaded_suite.sh                       # the whole `dev.py test`
#   bash bench/loaded_suite.sh tests/bookings/scheduling   # pytest on a subset only
#
# Two processes burn a processor each beside the tests (as a busy laptop or a shared CI
# machine does) and are stopped at the end, whatever happens. A manual check, not run by
# CI; BURNERS=N changes the number of burners.
set -euo pipefail
cd "$(dirname "$0")/.."

burners=()
stop_burners() {
  for pid in "${burners[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${burners[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap stop_burners EXIT INT TERM

for _ in $(seq "${BURNERS:-2}"); do
  python3 -c 'while True: pass' &
  burners+=("$!")
done
echo "==> ${#burners[@]} processor burners running (pids ${burners[*]})"

status=0
if [ "$#" -eq 0 ]; then
  python3 dev.py test || status=$?
else
  .venv/bin/python -m pytest -q -p no:cacheprovider "$@" || status=$?
fi
echo "==> done beside ${#burners[@]} burners: exit ${status}"
exit "$status"
