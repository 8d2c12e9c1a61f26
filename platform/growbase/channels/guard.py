"""Where a webhook may go: not into the machine or its network unless the operator says so.

A rule's webhook URL is written by the owner or a designer (and may come from a record
through a template); without this guard it could reach the database admin on 127.0.0.1,
a router on 192.168.x.x or a cloud's metadata service on 169.254.169.254. The address is
checked on the connected socket itself, so a name that resolves to a public address for
the check and a private one for the connection (DNS rebinding) is caught too.
GROWBASE_WEBHOOK_ALLOW lists what may still be reached: hosts, addresses or networks
("crm.local,10.0.0.0/8,127.0.0.1").
"""

import http.client
import ipaddress
import socket
import urllib.request
from urllib.parse import urlsplit

from ..errors import GrowbaseError
from ..i18n import gettext as _


class Refused(GrowbaseError, RuntimeError):
    """This message may never be sent as it is: trying again will not help."""


def inside(address):
    """Is the address this machine's or its private network's?"""
    ip = ipaddress.ip_address(address.split("%")[0])
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def permitted(host, address, allow):
    """May a webhook to `host` connect to `address`? `allow`: GROWBASE_WEBHOOK_ALLOW's items."""
    if not inside(address):
        return True
    for item in allow:
        if item == host.lower():
            return True
        try:
            if ipaddress.ip_address(address.split("%")[0]) in ipaddress.ip_network(item,
                                                                                  strict=False):
                return True
        except ValueError:  # a host name in the list: compared above
            continue
    return False


def check_url(url, allow):
    """Refuse, before any packet leaves, what no webhook may be: another scheme than
    http(s), no host, or a host whose addresses are all inside (the connection checks
    again the address it actually reaches)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("%(url)s is not a web address (http:// or https://).", url=url))
    try:
        found = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 80)}
    except (socket.gaierror, UnicodeError):
        return  # the connection will say it found no such host
    for address in sorted(found):
        if not permitted(parts.hostname, address, allow):
            raise _inside(parts.hostname, address)


def _inside(host, address):
    return Refused(_(
        "%(host)s is an address inside this machine or its network (%(address)s); "
        "webhooks go only to public addresses unless GROWBASE_WEBHOOK_ALLOW lists it.",
        host=host, address=address))


class Guarded:
    """A connection that checks the address it reached before a byte is sent (for HTTPS,
    before the TLS handshake), whatever DNS said when it was looked up."""

    def __init__(self, *args, allow=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.allow = allow
        self._create_connection = self._connect_checked

    def _connect_checked(self, address, *args, **kwargs):
        sock = socket.create_connection(address, *args, **kwargs)
        reached = sock.getpeername()[0]
        if not permitted(self.host, reached, self.allow):
            sock.close()
            raise _inside(self.host, reached)
        return sock


class GuardedHTTPConnection(Guarded, http.client.HTTPConnection):
    pass


class GuardedHTTPSConnection(Guarded, http.client.HTTPSConnection):
    pass


class Allowing:
    def __init__(self, allow):
        super().__init__()
        self.allow = allow


class GuardedHTTP(Allowing, urllib.request.HTTPHandler):
    def http_open(self, request):
        return self.do_open(GuardedHTTPConnection, request, allow=self.allow)


class GuardedHTTPS(Allowing, urllib.request.HTTPSHandler):
    def https_open(self, request):
        return self.do_open(GuardedHTTPSConnection, request, context=self._context,
                            allow=self.allow)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as the failure it is for a POST: it could lead anywhere."""

    def redirect_request(self, *args, **kwargs):
        return None


def opener(allow):
    return urllib.request.build_opener(GuardedHTTP(allow), GuardedHTTPS(allow), NoRedirects)
