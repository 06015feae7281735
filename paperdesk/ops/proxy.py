"""The client's address behind a reverse proxy.

`PAPERDESK_TRUSTED_PROXIES` says who may speak for the client:

- unset or empty: nobody; the TCP peer is the client and forwarding headers are dropped;
- a count `N` (1, 2, ...): every request comes through N proxies (the app is reachable
  only through them); the client is the N-th address from the right of X-Forwarded-For;
- CIDRs `10.0.0.0/8,127.0.0.1`: a peer inside them is a proxy; the client is the right-most
  address of X-Forwarded-For that is not itself a trusted proxy.

`ClientAddressMiddleware` runs first and rewrites `REMOTE_ADDR`, so everything after it
(allauth's per-IP rate limits, throttles, the access log, the audit log) sees the client.
It is a few lines over `ipaddress` because the libraries for this (django-xff, ipware)
trust proxies by count or by address prefix only, not by network.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger("paperdesk.proxy")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT", "HTTP_FORWARDED")


@dataclass(frozen=True)
class TrustedProxies:
    count: int = 0
    networks: tuple[Network, ...] = field(default_factory=tuple)

    @property
    def enabled(self) -> bool:
        return bool(self.count or self.networks)

    def trusts(self, address: str | None) -> bool:
        if self.count:
            return True
        ip = parse_ip(address)
        return ip is not None and any(ip in network for network in self.networks)

    def gunicorn_allow_ips(self) -> str:
        """The value for gunicorn's --forwarded-allow-ips (who may set X-Forwarded-Proto)."""
        if self.count:
            return "*"
        return ",".join(str(n) for n in self.networks)


def parse_trusted_proxies(value: str | None) -> TrustedProxies:
    value = (value or "").strip()
    if not value:
        return TrustedProxies()
    if value.isdigit():
        return TrustedProxies(count=int(value))
    networks = []
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"PAPERDESK_TRUSTED_PROXIES: {part!r} is neither a count of proxies nor an address or network (CIDR)."
            ) from None
    return TrustedProxies(networks=tuple(networks))


def parse_ip(text: str | None):
    if not text:
        return None
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(peer: str | None, forwarded_for: str | None, trusted: TrustedProxies) -> str | None:
    """The client's address, or None when the peer is the client."""
    if not trusted.enabled or not forwarded_for or not trusted.trusts(peer):
        return None
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    if trusted.count:
        if len(hops) < trusted.count:
            return None
        ip = parse_ip(hops[-trusted.count])
        return str(ip) if ip else None
    client = None
    for hop in reversed(hops):
        ip = parse_ip(hop)
        if ip is None:
            break  # garbage: stop at the last address a trusted proxy vouched for
        client = ip
        if not any(ip in network for network in trusted.networks):
            break
    return str(client) if client else None


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = parse_trusted_proxies(getattr(settings, "PAPERDESK_TRUSTED_PROXIES", ""))

    def __call__(self, request):
        meta = request.META
        peer = meta.get("REMOTE_ADDR")
        meta["paperdesk.peer_addr"] = peer
        if self.trusted.enabled and self.trusted.trusts(peer):
            client = client_address(peer, meta.get("HTTP_X_FORWARDED_FOR"), self.trusted)
            if client:
                meta["REMOTE_ADDR"] = client
        else:
            # An untrusted peer may not speak for anyone: drop what it claims, so neither
            # Django (SECURE_PROXY_SSL_HEADER) nor allauth nor a log line believes it.
            for header in FORWARDING_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)
