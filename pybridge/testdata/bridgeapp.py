import datetime, decimal, hashlib, asyncio, enum
from fasterapi.responses import FileResponse, Response
class C(enum.Enum):
    A = "a"
class App:
    routes = [("/", ("GET","HEAD"), 200, "root"), ("/items/{id}", ("GET","HEAD"), 200, "item"), ("/resp", ("GET",), 200, "resp"), ("/boom", ("GET",), 200, "boom"), ("/odd", ("GET",), 200, "odd"), ("/file", ("GET",), 200, "file")]
    def dispatch(self, i, raw):
        if i == 0: return {"message": "Hello, World!"}
        if i == 1:
            return {"id": raw.path_params, "q": raw.query_string.decode(), "h": raw.headers[:2], "m": raw.method, "c": raw.client, "d": datetime.date(2020,1,2), "e": C.A, "x": "é\n\"", "f": 1.5, "big": 2**70, "t": (1, None, True), "sha": hashlib.sha256(b"").hexdigest()[:8], "dec": str(decimal.Decimal("1.1"))}
        if i == 2: return Response(b"hi", 201, [(b"x-a", b"1")])
        if i == 3: raise ValueError("boom")
        if i == 4: return {C.A: 1}
        if i == 5: return FileResponse("/srv/f\u00e9.txt", 206)
app = App()
