#!/usr/bin/env python3
"""The class server under a class streaming at once: N simulated learners (threads), each
joining and then sending one event at a time, as a session does, while one dashboard stream
listens. For every event: the time from just before it is sent to the moment the stream
announces a version of the class that holds it (each batch's answer names that version).

Prints the count, the median, p90, p99 and the worst latency, and the requests per second.
Standard library only. Usage: stream.py URL CLASS_CODE INSTRUCTOR_TOKEN [--learners N] [--events N]
"""

import argparse
import hashlib
import http.client
import json
import random
import threading
import time
import urllib.parse


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("code")
    parser.add_argument("token")
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--events", type=int, default=10)
    args = parser.parse_args()
    address = urllib.parse.urlparse(args.url)
    host, port = address.hostname, address.port

    announced = {}  # version -> first time the stream said it
    lock = threading.Lock()
    stream_ready = threading.Event()

    def listen():
        connection = http.client.HTTPConnection(host, port, timeout=600)
        connection.request("GET", "/api/v1/stream?token=" + urllib.parse.quote(args.token))
        response = connection.getresponse()
        assert response.status == 200, response.status
        stream_ready.set()
        event = None
        while True:
            line = response.fp.readline()
            if not line:
                return
            line = line.decode().rstrip("\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "change":
                version = int(line[5:].strip())
                with lock:
                    announced.setdefault(version, time.monotonic())

    threading.Thread(target=listen, daemon=True).start()
    stream_ready.wait(30)

    sent = []  # (t_before_send, version holding it)
    errors = []

    def learner(n):
        rng = random.Random(n)
        name = f"stream-{n:05d}"
        connection = http.client.HTTPConnection(host, port, timeout=120)
        body = json.dumps({"class_code": args.code, "learner": name})
        connection.request("POST", "/api/v1/join", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        joined = json.loads(response.read())
        if response.status != 200:
            errors.append(joined)
            return
        token = joined["token"]
        previous = None
        for seq in range(1, args.events + 1):
            ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            event = {"v": 1, "seq": seq}
            if previous is not None:
                event["prev"] = hashlib.sha256(previous.encode()).hexdigest()
            event.update(ts=ts, learner=name, lesson="stream-lab")
            if seq == 1:
                event.update(event="session_started", title="Stream", lesson_hash="s", steps=["a", "b"])
            else:
                event.update(event="step_entered", step="a" if seq % 2 else "b")
            line = json.dumps(event, separators=(",", ":"))
            start = time.monotonic()
            connection.request("POST", f"/api/v1/events?from={seq}", line + "\n", {
                "Authorization": "Bearer " + token,
                "X-Labrun-Sent-By": "session",
            })
            response = connection.getresponse()
            answer = json.loads(response.read())
            if response.status != 200:
                errors.append(answer)
                return
            with lock:
                sent.append((start, answer["version"]))
            previous = line
            time.sleep(rng.uniform(0.2, 1.0))

    started = time.monotonic()
    threads = [threading.Thread(target=learner, args=(n,)) for n in range(args.learners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    time.sleep(2)  # the last announcements

    with lock:
        versions = sorted(announced.items())
    latencies = []
    missing = 0
    for start, version in sent:
        # The first announcement of a version at or after the one that holds the event.
        seen = [t for v, t in versions if v >= version]
        if not seen:
            missing += 1
            continue
        latencies.append(max(0.0, min(seen) - start))
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    print(f"learners {args.learners}, events sent {len(sent)}, errors {len(errors)}, never announced {missing}")
    if errors:
        print("first error:", errors[0])
    print(f"requests/s {len(sent) / elapsed:.0f} over {elapsed:.1f} s")
    if latencies:
        print(
            f"event -> dashboard stream (ms): median {pct(50):.0f}, p90 {pct(90):.0f}, "
            f"p99 {pct(99):.0f}, worst {latencies[-1] * 1000:.0f}"
        )


if __name__ == "__main__":
    main()
