"""Create the city operator: `python -m ops.create_operator EMAIL NAME` (password from OPERATOR_PASSWORD
or asked for). Run with the stage's AWS environment; HTTP can never create an operator."""

from __future__ import annotations

import argparse
import getpass
import os

from chalicelib.domain.accounts import bootstrap_operator


def main() -> None:
    """Parse arguments and create the operator."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("email")
    parser.add_argument("name")
    args = parser.parse_args()
    password = os.environ.get("OPERATOR_PASSWORD") or getpass.getpass("Password: ")
    account_id = bootstrap_operator(args.email.strip().lower(), password, args.name)
    print(f"city operator {args.email} is account {account_id}")


if __name__ == "__main__":
    main()
