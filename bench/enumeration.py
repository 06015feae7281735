#!/usr/bin/env python3
"""Does the sign-up (or the password reset) tell by its timing whether an address has an
account? (issue 8: a known address answered in ~130 ms, a new one in ~990 ms, because only
a new account hashed its password.)

In a throwaway database with the default venue and one existing account, this posts the
sign-up form N times with the known address and N times with fresh unknown ones (and the
password-reset form likewise), alternating, through django.test.Client with the
production password hashers (Argon2 first) and the rate limits off, and prints the median
and quartiles per case and the ratio known/unknown. `--without-fix` measures the sign-up as
it was (allauth's known-address path without the dummy hash) for comparison. It prints
figures and never asserts.

    .venv/bin/python bench/enumeration.py               # N = 15
    .venv/bin/python bench/enumeration.py -n 30 --without-fix
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchdb import fresh_database, load_venue
from django.test import Client, override_settings
from django.test.utils import setup_test_environment

PRODUCTION_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
PASSWORD = "correct horse battery staple"
KNOWN = "known@uni.edu"


def timed(client: Client, path: str, data: dict) -> float:
    started = time.perf_counter()
    response = client.post(path, data)
    elapsed = time.perf_counter() - started
    if response.status_code != 302:
        raise SystemExit(f"{path}: expected a redirect, got {response.status_code}")
    return elapsed


def signup(email: str) -> dict:
    return {"full_name": "Pat Person", "email": email, "password1": PASSWORD, "password2": PASSWORD}


def measure(n: int, tag: str) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"sign-up, known": [], "sign-up, unknown": [], "reset, known": [], "reset, unknown": []}
    for i in range(n):
        # A new client each time: no session carries over between tries.
        times["sign-up, known"].append(timed(Client(), "/accounts/signup/", signup(KNOWN)))
        times["sign-up, unknown"].append(timed(Client(), "/accounts/signup/", signup(f"new-{tag}{i}@uni.edu")))
        times["reset, known"].append(timed(Client(), "/accounts/password/reset/", {"email": KNOWN}))
        times["reset, unknown"].append(timed(Client(), "/accounts/password/reset/", {"email": f"nobody-{tag}{i}@uni.edu"}))
    return times


def report(title: str, times: dict[str, list[float]]) -> None:
    print(title)
    for case, values in times.items():
        q1, median, q3 = statistics.quantiles(values, n=4)
        print(f"  {case:18} median {median * 1000:7.1f} ms   (quartiles {q1 * 1000:.1f}–{q3 * 1000:.1f} ms, n={len(values)})")
    for what in ("sign-up", "reset"):
        known, unknown = statistics.median(times[f"{what}, known"]), statistics.median(times[f"{what}, unknown"])
        print(f"  {what}: known/unknown median ratio {known / unknown:.2f} (difference {abs(known - unknown) * 1000:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=15, help="tries per case (default 15)")
    parser.add_argument("--without-fix", action="store_true", help="also measure the sign-up without the known-address dummy hash")
    args = parser.parse_args()
    setup_test_environment()
    with fresh_database(), override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS, ACCOUNT_RATE_LIMITS=False):
        from allauth.account.forms import SignupForm as AllauthSignupForm

        from paperdesk.accounts.forms import SignupForm
        from tests.conftest import _user

        load_venue(deadline_in_days=30)
        _user(KNOWN, "Known Person")
        for warm in range(2):  # imports, template loading, the first Argon2 call
            timed(Client(), "/accounts/signup/", signup(f"warm{warm}@uni.edu"))
        report("With the fix (a known address hashes the typed password too):", measure(args.n, "fixed"))
        if args.without_fix:
            fixed = SignupForm.try_save
            SignupForm.try_save = AllauthSignupForm.try_save
            try:
                report("Without the fix (allauth's known-address path as it was):", measure(args.n, "unfixed"))
            finally:
                SignupForm.try_save = fixed


if __name__ == "__main__":
    main()
