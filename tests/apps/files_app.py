"""FileResponse and StaticFiles, for tests/py/test_e2e_files.py.

The files live under FILES_APP_ROOT, which the test fills before starting the server (every
interpreter imports this module, so the module itself only reads the tree).
"""

import os

from fasterapi import FastAPI
from fasterapi.responses import FileResponse
from fasterapi.staticfiles import StaticFiles

ROOT = os.environ["FILES_APP_ROOT"]
PUBLIC = os.path.join(ROOT, "public")

app = FastAPI()


@app.get("/file/{name}")
def send_file(name: str) -> FileResponse:
    return FileResponse(os.path.join(PUBLIC, name))


@app.get("/async-file/{name}")
async def send_file_async(name: str) -> FileResponse:
    return FileResponse(os.path.join(PUBLIC, name))


@app.post("/file/{name}")
def send_file_post(name: str) -> FileResponse:
    return FileResponse(os.path.join(PUBLIC, name))


@app.get("/download")
def download(name: str = "résumé 2024.txt", inline: bool = False) -> FileResponse:
    return FileResponse(os.path.join(PUBLIC, "hello.txt"), filename=name,
                        content_disposition_type="inline" if inline else "attachment")


@app.get("/custom")
def custom() -> FileResponse:
    return FileResponse(os.path.join(PUBLIC, "hello.txt"), media_type="application/x-custom",
                        headers={"etag": '"custom-tag"', "cache-control": "max-age=60"})


@app.get("/created")
def created() -> FileResponse:
    return FileResponse(os.path.join(PUBLIC, "hello.txt"), status_code=201)


@app.get("/missing")
def missing() -> FileResponse:
    return FileResponse(os.path.join(ROOT, "no-such-file.txt"))


@app.get("/big")
def big() -> FileResponse:
    return FileResponse(os.path.join(ROOT, "big.bin"))


@app.get("/static/special")
def special() -> dict[str, bool]:
    return {"route": True}


app.mount("/static", StaticFiles(directory=PUBLIC), name="static")
app.mount("/site", StaticFiles(directory=os.path.join(ROOT, "site"), html=True), name="site")
