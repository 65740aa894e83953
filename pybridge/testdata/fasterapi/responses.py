class Response:
    def __init__(self, body, status_code=200, headers=None):
        self.body = body; self.status_code = status_code
        self.raw_headers = [(b"content-type", b"text/plain")] + (headers or [])
