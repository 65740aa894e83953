class Response:
    def __init__(self, body, status_code=200, headers=None):
        self.body = body; self.status_code = status_code
        self.raw_headers = [(b"content-type", b"text/plain")] + (headers or [])
class FileResponse(Response):
    def __init__(self, path, status_code=200):
        super().__init__(b"", status_code)
        self.path = path
