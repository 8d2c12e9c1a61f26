"""What every answer tells the browser: scripts and styles only from here, no framing by
other sites (a record's lines are framed by its own page: frame-ancestors 'self' there; a
web form by the business's own site: frame-ancestors * there)."""

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    if "frame-ancestors *" not in response.headers["Content-Security-Policy"]:  # a web form
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response
