"""Run N app processes behind nginx with session affinity, all pointing at one engine.

    python scripts/replicas.py --replicas 2 --port 7860 -- --profile hub \\
        --model generate=http://ENGINE:8000/v1#MODEL

Gradio's queue keeps each session in one process (`queue/join` and `queue/data` must reach the
same replica), so nginx routes by client address (`hash $remote_addr consistent`: the full
address, unlike `ip_hash`, which looks at the first three bytes of an IPv4 address only). A replica
that stops is skipped for new sessions. Replicas listen on the ports after `--port`; everything
after `--` goes to each `app.py`. Prints one JSON line once nginx and every replica answer, then
runs until interrupted. On Kubernetes the same is a Service with `sessionAffinity: ClientIP`.

`--as-space` reproduces a Hugging Face Space instead: nginx reaches the app from another address
(`proxy_bind`, as a Space's proxy reaches it from an internal 10.x address that uvicorn does not
trust), and the app runs with a Space's environment and no `--trusted-proxy`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")

CONFIG = """worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log {prefix}/access.log;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  upstream showcase {{
    hash $remote_addr consistent;  # one client, one replica: Gradio's queue is per process
{servers}
  }}
  server {{
    listen {host}:{port};
    # the app's own bounds (`demo.gate`): a body over them gets nginx's 413, with the same limits
    client_max_body_size 1000k;{bind}
    # a body is kept in memory up to the largest accepted: nginx's workers (user nobody when started as
    # root) could not write the temporary files of bodies over 16 KB, and a 1.5 MB CSV got 500
    client_body_buffer_size 2064k;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_buffering off;  # server-sent events: every token goes out as it comes
    proxy_read_timeout 300s;
    proxy_next_upstream error timeout;  # a replica that is down: the next one takes the session
    add_header X-Replica $upstream_addr always;
    location / {{ proxy_pass http://showcase; }}
    location = /gradio_api/upload {{
      client_max_body_size 2064k;  # a 2 MB CSV and its multipart envelope
      proxy_pass http://showcase;
    }}
  }}
}}
"""


SPACE_PROXY_ADDRESS = "127.0.0.200"  # where the stand-in for a Space's proxy connects from
SPACE_ENV = {"SYSTEM": "spaces", "SPACE_ID": "showcase/zero-training-nlp", "GRADIO_SSR_MODE": "False"}


def nginx_config(prefix: Path, host: str, port: int, replica_ports: list[int], bind: str | None = None) -> str:
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in replica_ports)
    bind_line = f"\n    proxy_bind {bind};" if bind else ""
    return CONFIG.format(prefix=prefix, host=host, port=port, servers=servers, bind=bind_line)


def _answers(url: str) -> bool:
    try:
        with urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--host", default="127.0.0.1", help="where nginx listens")
    parser.add_argument("--port", type=int, default=7860, help="nginx's port; replicas use the next ones")
    parser.add_argument("--as-space", action="store_true",
                        help="reach the app as a Space's proxy does, the app in a Space's environment")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch threads per replica (default: the machine's cores split between the replicas: "
                             "replicas that each took every core slowed each other's answers 2-4x)")
    parser.add_argument("app_args", nargs=argparse.REMAINDER, help="after --: flags for every app.py")
    args = parser.parse_args()
    app_args = [a for a in args.app_args if a != "--"]
    ports = [args.port + 1 + i for i in range(args.replicas)]
    busy = [p for p in (args.port, *ports) if not _port_free(p)]
    if busy:
        parser.error(f"port {busy[0]} is in use; choose another --port")
    prefix = Path(tempfile.mkdtemp(prefix="showcase-nginx-"))
    bind = SPACE_PROXY_ADDRESS if args.as_space else None
    (prefix / "nginx.conf").write_text(nginx_config(prefix, args.host, args.port, ports, bind))
    threads = str(args.threads or max(1, (os.cpu_count() or 1) // args.replicas))
    env = (os.environ | {"GRADIO_ANALYTICS_ENABLED": "False", "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
           | (SPACE_ENV if args.as_space else {}))
    # their output goes to stderr: stdout carries only the JSON line that says all is ready
    # nginx is the replicas' only peer: they read each client's address from its X-Forwarded-For
    # (as a Space, with no flag: the app knows it is on a Space)
    app_args = app_args if args.as_space else ["--trusted-proxy", "127.0.0.1", *app_args]
    replicas = [subprocess.Popen([sys.executable, str(ROOT / "app.py"), *app_args, "--port", str(p)], cwd=ROOT,
                                 env=env, stdout=sys.stderr) for p in ports]
    nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c",
                              str(prefix / "nginx.conf"), "-g", "daemon off;"], stdout=sys.stderr)
    processes = [*replicas, nginx]

    def stop(*_):
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    deadline = time.monotonic() + 300
    while not all(_answers(f"http://127.0.0.1:{p}/gradio_api/info") for p in ports):
        if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
            print("a replica or nginx did not start; see the output above", file=sys.stderr)
            stop()
        time.sleep(0.5)
    print(json.dumps({"url": f"http://{args.host}:{args.port}", "nginx_pid": nginx.pid, "config": str(prefix),
                      "replicas": [{"port": p, "pid": r.pid} for p, r in zip(ports, replicas, strict=True)]}),
          flush=True)
    while all(p.poll() is None for p in (nginx,)):
        time.sleep(1)
    stop()


if __name__ == "__main__":
    main()
