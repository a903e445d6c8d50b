"""The two ways package files are served, for browser tests: from the app's own host (in an opaque
origin), or from a content host, simulated as a second hostname of the same server."""
MODES = ("single-host", "content-host")


def in_mode(app, url, mode):
    """The base URL of the app for `mode`; `url` is the server's http://127.0.0.1:PORT. With a
    content host, the app answers as localhost and serves package files as 127.0.0.1."""
    if mode == "single-host":
        return url
    app.config["CONTENT_ORIGIN"] = url
    return url.replace("127.0.0.1", "localhost")
