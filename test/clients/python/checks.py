"""What every program here shares: the seeded names, the credential, and the checks' reporting.

Each program prints "ok: NAME" or "FAILED: NAME" (with a short traceback) per check and exits 1 when
any failed; run.sh counts the lines.
"""

import os
import sys
import traceback

from azure.identity import ClientSecretCredential

ENDPOINT = os.environ["CPE_ENDPOINT"]
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
TENANT = "00000000-0000-0000-0000-000000000001"
GROUP = "myResourceGroupName"

_failures = 0


def check(name, fn):
    global _failures
    try:
        fn()
        print(f"ok: {name}", flush=True)
    except Exception:  # noqa: BLE001 - every failure is reported the same way
        _failures += 1
        print(f"FAILED: {name}", flush=True)
        traceback.print_exc(limit=4, file=sys.stdout)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def finish():
    sys.exit(1 if _failures else 0)


def secret_credential(client_id="python-client"):
    """The emulator is the authority: MSAL reads <endpoint>/<tenant>/v2.0/.well-known/openid-configuration
    there and posts the client credentials to its token endpoint. Instance discovery would ask
    login.microsoftonline.com about the authority first; it is turned off, as for Azure Stack or ADFS."""
    return ClientSecretCredential(TENANT, client_id, "any-secret", authority=ENDPOINT, disable_instance_discovery=True)
