#!/usr/bin/env python3
"""Screenshots of Tally's pages with headless Chromium, for docs/screenshots.

Signs in through the login form, hands the session cookie to Chromium over the DevTools protocol
and captures each page at each width, light and dark, full height. It also reports any page whose
content is wider than the window (horizontal overflow), which the screenshots must not have.

    python3 docs/screenshots/take-screenshots.py --base http://127.0.0.1:8080 \
        --email owner.demo-001@example.com --password '…' --pages dashboard=/ usage=/usage billing=/billing

Run the server with TALLY_INSECURE_COOKIES=1 (plain-HTTP localhost). Needs Debian's `chromium`
and Python 3's standard library only. Exit status 1 when a page overflows or fails to load.
"""

import argparse
import base64
import http.client
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request


class DevToolsSocket:
    """The smallest WebSocket client the DevTools protocol needs: text frames, masked sends."""

    def __init__(self, url):
        parts = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {parts.path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
                   f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("DevTools closed the connection during the handshake")
            response += chunk
        if b" 101 " not in response.split(b"\r\n", 1)[0]:
            raise RuntimeError("DevTools refused the WebSocket: " + response.split(b"\r\n", 1)[0].decode())
        self.buffer = response.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0
        self.events = []

    def _read(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def _receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(length)
            opcode = first & 0x0F
            if opcode == 8:
                raise RuntimeError("DevTools closed the WebSocket")
            if opcode in (0, 1, 2):
                message += payload
                if first & 0x80:
                    return json.loads(message)

    def call(self, method, **params):
        self.next_id += 1
        payload = json.dumps({"id": self.next_id, "method": method, "params": params}).encode()
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        while True:
            message = self._receive()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for index, message in enumerate(self.events):
                if message.get("method") == event:
                    del self.events[: index + 1]
                    return message
            self.events.append(self._receive())
        raise RuntimeError(f"no {event} within {timeout} s")


def sign_in(base, email, password):
    """Signs in through the form; returns (cookie name, value) of the session."""
    parts = urllib.parse.urlparse(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    pre = [h for k, h in response.getheaders() if k.lower() == "set-cookie"]
    token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    cookie = "; ".join(h.split(";", 1)[0] for h in pre)
    body = urllib.parse.urlencode({"_csrf": token, "email": email, "password": password})
    connection.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = connection.getresponse()
    response.read()
    if response.status != 303:
        raise RuntimeError(f"sign-in as {email} answered {response.status} (is TALLY_INSECURE_COOKIES=1 set?)")
    for key, header in response.getheaders():
        name, _, value = header.split(";", 1)[0].partition("=")
        if key.lower() == "set-cookie" and name.endswith("tally_session") and value:
            return name, value
    raise RuntimeError("no session cookie in the sign-in answer")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8080")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--pages", nargs="+", required=True, help="name=/path pairs")
    parser.add_argument("--widths", nargs="+", type=int, default=[1280, 390])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()

    cookie_name, cookie_value = sign_in(args.base, args.email, args.password)
    profile = tempfile.mkdtemp(prefix="tally-shots-")
    port = 9300 + os.getpid() % 500
    chromium = subprocess.Popen(
        ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--remote-debugging-port={port}", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    problems = []
    try:
        targets = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as response:
                    targets = [t for t in json.load(response) if t.get("type") == "page"]
                if targets:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        if not targets:
            raise RuntimeError("chromium's DevTools endpoint did not come up")
        tab = DevToolsSocket(targets[0]["webSocketDebuggerUrl"])
        tab.call("Page.enable")
        tab.call("Network.enable")
        tab.call("Network.setCookie", name=cookie_name, value=cookie_value, url=args.base, httpOnly=True)
        for spec in args.pages:
            name, _, path = spec.partition("=")
            for width in args.widths:
                for scheme in ("light", "dark"):
                    tab.call("Emulation.setDeviceMetricsOverride", width=width, height=900,
                             deviceScaleFactor=1, mobile=width < 600)
                    tab.call("Emulation.setEmulatedMedia",
                             features=[{"name": "prefers-color-scheme", "value": scheme}])
                    tab.events.clear()
                    tab.call("Page.navigate", url=args.base + path)
                    tab.wait_for("Page.loadEventFired")
                    check = tab.call("Runtime.evaluate", returnByValue=True, expression=(
                        "JSON.stringify({w: document.documentElement.scrollWidth, v: window.innerWidth,"
                        " h: document.documentElement.scrollHeight, t: document.title})"))
                    facts = json.loads(check["result"]["value"])
                    # A phone emulation widens its layout viewport to fit wide content, so compare
                    # with the width asked for, not with innerWidth.
                    if max(facts["w"], facts["v"]) > width:
                        problems.append(f"{name} at {width}px: content {max(facts['w'], facts['v'])}px wide overflows")
                    if "Error" in facts["t"] or "Sign in" in facts["t"]:
                        problems.append(f"{name}: page title '{facts['t']}'")
                    tab.call("Emulation.setDeviceMetricsOverride", width=width, height=max(900, facts["h"]),
                             deviceScaleFactor=1, mobile=width < 600)
                    shot = tab.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
                    target = os.path.join(args.out, f"{name}-{width}-{scheme}.png")
                    with open(target, "wb") as file:
                        file.write(base64.b64decode(shot["data"]))
                    print(f"{target}  ({width}×{max(900, facts['h'])}, {scheme})")
    finally:
        chromium.terminate()
        try:
            chromium.wait(timeout=10)
        except subprocess.TimeoutExpired:
            chromium.kill()
        shutil.rmtree(profile, ignore_errors=True)
    for problem in problems:
        print("problem:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
