"""nginx (Debian's package) in front of the app instances: one upstream, answers streamed unbuffered.

The same proxy settings docs/operations.md gives for one instance, with the instances as one
upstream. A POST already sent to an instance is never sent to another (nginx's default for
non-idempotent requests): an answer cut off by a dying instance is not asked twice; a request that
could not reach one goes to the next, and a failed instance is left out for a few seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import requests

from cluster.ports import free_port, stop_process, wait_until

INSTALL_HINT = "install Debian's nginx (`make nginx`, or apt-get install nginx-light)"


class NginxUnavailable(Exception):
    """No nginx here, or it would not start; the message says what to install."""


def nginx_config(root: Path, port: int, instances: list[str]) -> str:
    servers = "\n".join(f"        server {address} max_fails=1 fail_timeout=5s;" for address in instances)
    user = "user root root;\n" if os.geteuid() == 0 else ""  # its temp files are in our folder
    temp = "\n".join(f"    {kind}_temp_path {root / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}worker_processes 1;
pid {root / 'nginx.pid'};
error_log {root / 'error.log'} warn;
events {{ worker_connections 1024; }}
http {{
    access_log {root / 'access.log'};
{temp}
    upstream deckchat {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://deckchat;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_buffering off;
            proxy_read_timeout 120s;
            proxy_next_upstream error timeout;
            client_max_body_size 20m;
            add_header X-DeckChat-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@dataclass
class Nginx:
    process: subprocess.Popen
    port: int
    root: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        stop_process(self.process)


def start_nginx(root: Path, instances: list[str], port: int | None = None) -> Nginx:
    """nginx on loopback (`port`, or a free one) in front of `instances` ("127.0.0.1:PORT"), its files under `root`."""
    binary = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if binary is None:
        raise NginxUnavailable(f"no nginx: {INSTALL_HINT}")
    root.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    config = root / "nginx.conf"
    config.write_text(nginx_config(root, port, instances))
    with open(root / "nginx.out", "w") as out:
        process = subprocess.Popen([binary, "-p", str(root), "-c", str(config), "-g", "daemon off;"],
                                   stdout=out, stderr=subprocess.STDOUT)
    server = Nginx(process, port, root)
    try:
        wait_until(lambda: requests.get(f"{server.base_url}/api/health", timeout=5).ok, process, 30,
                   f"nginx on port {port}")
    except RuntimeError as exc:
        server.stop()
        log = (root / "error.log").read_text()[-1500:] if (root / "error.log").exists() else ""
        raise NginxUnavailable(f"{exc}: {(root / 'nginx.out').read_text()[-800:]} {log}") from None
    return server
