"""`python -m services.points audit [--database-url URL]`: the same audit as `member-bot audit`."""

import argparse
import asyncio
import os
import sys

from services.points.audit import run_audit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.points")
    parser.add_argument("command", choices=["audit"])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="default: $DATABASE_URL (member-bot audit also reads .env)")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url, set DATABASE_URL, or run `member-bot audit`")
    return asyncio.run(run_audit(args.database_url, sys.stdout))


if __name__ == "__main__":
    sys.exit(main())
