"""Many dashboard replicas behind Debian's nginx on one store (issue #21, README "Deployment
and security", "Many replicas"): `streamlit run app.py` processes on the same database,
and an nginx on a free loopback port in front of them whose sticky sessions keep each
browser on one replica, by a hash of the `vx_route` cookie (every test client comes from
127.0.0.1, so a hash of the address would send them all to one replica).

A browser without the cookie is hashed by nginx's `$request_id` and gets that id as its
cookie in the same response, so its next requests (scripts, the WebSocket, file uploads)
go where the first one went. Everything nginx writes (pid, logs, temporary files) is in
the given folder, so it runs as any user; it never touches the system nginx.

For the test, every response names the replica that answered (`X-Upstream`), and the
access log has one JSON line per request with its cookie and replica: a WebSocket's line
is written when it closes. The README's example is the same file without those two.
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import pwd
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.support.browser import ARTIFACTS, free_port, stop, streamlit_process
from tests.support.fixtures import unavailable

NGINX = Path("/usr/sbin/nginx")
COOKIE = "vx_route"
UPSTREAM_HEADER = "X-Upstream"
STREAMLIT_MAX_UPLOAD_MB = 25  # .streamlit/config.toml server.maxUploadSize

CONF = """\
# Dashboard replicas behind nginx, sticky by the vx_route cookie (tests/support/replicas.py).
{user}worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;

events {{
    worker_connections 512;
}}

http {{
    # Everything nginx writes stays in this folder: it runs as any user.
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    log_format replicas escape=json '{{"cookie":"$cookie_vx_route","route":"$vx_route",'
        '"upstream":"$upstream_addr","method":"$request_method","uri":"$request_uri",'
        '"status":"$status"}}';
    access_log {dir}/access.log replicas;

    # WebSocket: pass the upgrade on, and close other connections as usual.
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ""      close;
    }}
    # The route: the browser's vx_route cookie; without one, this request's random id,
    # which the response then sets as the cookie, so the next requests follow it.
    map $cookie_vx_route $vx_route {{
        ""      $request_id;
        default $cookie_vx_route;
    }}
    map $cookie_vx_route $vx_route_cookie {{
        ""      "vx_route=$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}

    upstream vungxanh {{
        hash $vx_route consistent;
{servers}
    }}

    server {{
        listen 127.0.0.1:{port};
        client_max_body_size {max_body}m;

        location / {{
            proxy_pass http://vungxanh;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
            proxy_buffering off;
            add_header Set-Cookie $vx_route_cookie always;
            add_header {header} $upstream_addr always;
        }}
    }}
}}
"""


def require_nginx() -> Path:
    """Debian's nginx binary; skips with the reason without it (fails under CI)."""
    if not NGINX.exists():
        unavailable(f"{NGINX} not found: the replica test uses Debian's nginx package "
                    "(bash scripts/test.sh installs it as root)")
    return NGINX


def nginx_conf(where: Path, port: int, upstreams: list[str]) -> str:
    """The configuration for nginx on 127.0.0.1:`port` in front of `upstreams`
    ("127.0.0.1:PORT" each), writing only into `where`."""
    # Run as root (the CI container), the workers would become nobody and could not
    # write the temporary files into a private folder: keep them as the current user.
    user = ""
    if os.geteuid() == 0:
        user = (f"user {pwd.getpwuid(os.geteuid()).pw_name} "
                f"{grp.getgrgid(os.getegid()).gr_name};\n")
    servers = "\n".join(f"        server {u};" for u in upstreams)
    return CONF.format(user=user, dir=where, port=port, servers=servers,
                       max_body=STREAMLIT_MAX_UPLOAD_MB, header=UPSTREAM_HEADER)


def probe(base: str, cookie: str | None = None) -> tuple[str, str | None]:
    """GET /_stcore/health through nginx, with `cookie` as the route (None: none):
    (the replica that answered, the vx_route Set-Cookie nginx sent, if any)."""
    request = urllib.request.Request(f"{base}/_stcore/health")  # noqa: S310 (ours, http)
    if cookie is not None:
        request.add_header("Cookie", f"{COOKIE}={cookie}")
    with urllib.request.urlopen(request, timeout=5) as r:  # noqa: S310
        sets = [c for c in r.headers.get_all("Set-Cookie") or []
                if c.startswith(f"{COOKIE}=")]
        return r.headers[UPSTREAM_HEADER], (sets[0] if sets else None)


@dataclass
class Replicas:
    base: str  # nginx's URL: what browsers open
    upstreams: list[str]  # the replicas, "127.0.0.1:PORT", in the upstream's order
    where: Path  # nginx's folder: configuration, logs, pid

    @property
    def conf(self) -> Path:
        return self.where / "nginx.conf"

    def route_to(self, index: int, tries: int = 200) -> str:
        """A vx_route cookie value that nginx's hash sends to replica `index` (checked
        through nginx, three times, not computed)."""
        for n in range(tries):
            value = f"route-{n}"
            if all(probe(self.base, value)[0] == self.upstreams[index] for _ in range(3)):
                return value
        raise AssertionError(f"no route among {tries} reaches {self.upstreams[index]}")

    def requests(self) -> list[dict]:
        """Every request nginx has logged so far, oldest first (a WebSocket once closed)."""
        log = self.where / "access.log"
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()
                if line.strip()]


def _wait_nginx(base: str, proc: subprocess.Popen, where: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = where / "error.log"
            detail = log.read_text(encoding="utf-8") if log.exists() else ""
            raise RuntimeError(f"nginx exited early with status {proc.returncode}:\n{detail}")
        with contextlib.suppress(OSError):
            probe(base)
            return
        time.sleep(0.1)
    raise TimeoutError(f"nginx did not answer {base}/_stcore/health in {timeout:.0f} s")


@contextlib.contextmanager
def nginx_process(where: Path, upstreams: list[str], timeout: float = 30):
    """nginx in the foreground (`daemon off`) with its configuration, pid, logs and
    temporary files in `where`: (process, base URL) once it answers through to a
    replica. Stopped (SIGTERM, nginx's fast shutdown) on exit."""
    binary = require_nginx()
    where.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = where / "nginx.conf"
    conf.write_text(nginx_conf(where, port, upstreams), encoding="utf-8")
    check = subprocess.run([binary, "-t", "-q", "-c", conf, "-p", where, "-e",
                            where / "error.log"], capture_output=True, text=True, check=False)
    if check.returncode:
        raise RuntimeError(f"nginx refused {conf}:\n{check.stderr}")
    # -e: the error log before the configuration is read (the default is /var/log/nginx).
    cmd = [binary, "-c", conf, "-p", where, "-e", where / "error.log", "-g", "daemon off;"]
    with (where / "nginx.out").open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_nginx(base, proc, where, timeout)
            yield proc, base
        finally:
            stop(proc)


@contextlib.contextmanager
def replicas(db_url: str, where: Path, n: int = 2, timeout: float = 90):
    """`n` dashboard processes on the store at `db_url` behind one nginx: a Replicas,
    once all answer through nginx. Each replica logs its unexpected errors to a file of
    its own (VUNGXANH_LOG_FILE) and its output to test-artifacts/streamlit-replica-N.log;
    nginx's logs are copied there too when it stops. Everything stops on exit."""
    require_nginx()
    ARTIFACTS.mkdir(exist_ok=True)
    where.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        upstreams = []
        for i in range(1, n + 1):
            env = {"VUNGXANH_LOG_FILE": str(where / f"replica-{i}-errors.log")}
            _proc, base, _start = stack.enter_context(streamlit_process(
                db_url, ARTIFACTS / f"streamlit-replica-{i}.log", timeout, env=env))
            upstreams.append(base.removeprefix("http://"))
        nginx = where / "nginx"
        try:
            with nginx_process(nginx, upstreams) as (_proc, base):
                yield Replicas(base, upstreams, nginx)
        finally:
            for name in ("access.log", "error.log"):
                if (nginx / name).exists():
                    shutil.copyfile(nginx / name, ARTIFACTS / f"nginx-replicas-{name}")
