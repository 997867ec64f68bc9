#!/usr/bin/env bash
# Start/stop the real servers cozeplus uses in tests and local production-like runs: up|down|status|run.
exec python3 "$(dirname "$0")/services.py" "$@"
