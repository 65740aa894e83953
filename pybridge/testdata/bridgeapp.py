import datetime, decimal, hashlib, asyncio, enum
from fasterapi.responses import FileResponse, Response
class C(enum.Enum):
    A = "a"
class App:
    routes = [("/", ("GET","HEAD"), 200, "root"), ("/items/{id}", ("GET","HEAD"), 200, "item"), ("/resp", ("GET",), 200, "resp"), ("/boom", ("GET",), 200, "boom"), ("/odd", ("GET",), 200, "odd"), ("/file", ("GET",), 200, "file"), ("/text", ("GET",), 201, "text"), ("/html", ("GET",), 200, "html"), ("/str", ("GET",), 200, "str"), ("/shapes", ("GET",), 200, "shapes"), ("/bad-shape", ("GET",), 200, "bad_shape")]
    # by route index: 1 = a str is a text/plain body, 2 = text/html, 0 = JSON
    host_kinds = bytes([0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0])
    def dispatch(self, i, raw):
        if i == 0: return {"message": "Hello, World!"}
        if i == 1:
            return {"id": raw.path_params, "q": raw.query_string.decode(), "h": raw.headers[:2], "m": raw.method, "c": raw.client, "d": datetime.date(2020,1,2), "e": C.A, "x": "é\n\"", "f": 1.5, "big": 2**70, "t": (1, None, True), "sha": hashlib.sha256(b"").hexdigest()[:8], "dec": str(decimal.Decimal("1.1"))}
        if i == 2: return Response(b"hi", 201, [(b"x-a", b"1")])
        if i == 3: raise ValueError("boom")
        if i == 4: return {C.A: 1}
        if i == 5: return FileResponse("/srv/f\u00e9.txt", 206)
        if i in (6, 7, 8): return "t\u00e9xt"
        if i == 9:
            from _fasterapi import ShapeCheck
            return [ShapeCheck(shape)(value) for value, shape in SHAPE_CASES]
        if i == 10:
            from _fasterapi import ShapeCheck
            ShapeCheck((9, None))
SHAPE_CASES = [("a", str), (True, int), ({"a": 1}, (0, int)), ({1: "a"}, (0, None)), ((1, 2), (1, int)),
               ((1, 2), (3, int)), ([1, None], (1, (2, int))), ([1, "x"], (1, int)), (None, (2, str)),
               ({"a": [1.5]}, (0, (3, float))), ({"a": {"b": 1}}, (0, (0, (2, str))))]
app = App()
