"""A real Prometheus scraping real workers while stories flow.

Starts the four stage workers on 127.0.0.1 against the broker (topics of
their own under a prefix), and Debian's Prometheus server with
deploy/prometheus/prometheus.yml (its Kubernetes discovery replaced by a
file listing the workers with the pod labels Kubernetes would give them,
so the relabelling runs as written) and both rule files. Sends normalize's 24 sample stories
and 2 records that are not RawStory, then checks through Prometheus's HTTP
API:
  - every stage's series are there, and each target is up under its
    wirestream_stage label;
  - the values match what was sent: normalize read 26, wrote 24 and
    dead-lettered 2 (unparsable_record), the dead-letter topic holds 2;
    each later stage read what the one before wrote; alerts by rule match
    the alert worker's own /metrics;
  - a recording rule evaluates to the stage's total;
  - every query of every panel of deploy/grafana/wirestream.json, with its
    template variables substituted, parses and returns data.
Every wait is bounded; everything listens on 127.0.0.1 only.
"""

import argparse
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import yaml

STAGES = ["normalize", "dedup", "classify", "alert"]
failures = []


def fail(text):
    failures.append(text)
    print(f"FAIL: {text}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


class Prometheus:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def query(self, expr):
        """Returns the API's answer (a dict) for an instant query."""
        url = self.base + "/api/v1/query?" + urllib.parse.urlencode(
            {"query": expr})
        try:
            return json.loads(get(url))
        except urllib.error.HTTPError as e:
            return json.loads(e.read().decode())

    def value(self, expr):
        """Returns the single value of `expr`, or None."""
        answer = self.query(expr)
        result = answer.get("data", {}).get("result", [])
        if answer.get("status") != "success" or len(result) != 1:
            return None
        return float(result[0]["value"][1])

    def wait_for(self, expr, want, deadline, what):
        while True:
            got = self.value(expr)
            if got == want:
                return True
            if time.time() > deadline:
                break
            time.sleep(1)
        fail(f"{what}: {expr} is {got}, want {want}")
        return False


def prometheus_config(source, targets_file, rules_dir):
    with open(source) as f:
        config = yaml.safe_load(f)
    config["global"]["scrape_interval"] = "1s"
    config["global"]["evaluation_interval"] = "1s"
    config["rule_files"] = [
        os.path.join(rules_dir, os.path.basename(p))
        for p in config["rule_files"]
    ]
    for job in config["scrape_configs"]:
        if job.pop("kubernetes_sd_configs", None) is not None:
            job["file_sd_configs"] = [{"files": [targets_file],
                                       "refresh_interval": "1s"}]
    return config


def metric_value(text, name, labels):
    """Returns the value of `name{labels...}` in exposition text, or None."""
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def count_records(bootstrap, topic):
    """Returns how many committed records `topic` holds."""
    out = subprocess.run(
        ["kcat", "-b", bootstrap, "-C", "-t", topic, "-e", "-q", "-X",
         "isolation.level=read_committed", "-f", "x\\n"],
        capture_output=True, timeout=60, check=True).stdout
    return out.count(b"x\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--bin", required=True,
                        help="directory with normalize dedup classify alert "
                             "topics produce")
    parser.add_argument("--prometheus_yml", required=True)
    parser.add_argument("--rules", action="append", required=True)
    parser.add_argument("--dashboard", required=True)
    parser.add_argument("--alert_rules", required=True)
    parser.add_argument("--stories", action="append", required=True)
    parser.add_argument("--work_dir", required=True)
    options = parser.parse_args()
    work = options.work_dir
    os.makedirs(work, exist_ok=True)
    binary = lambda name: os.path.join(options.bin, name)
    bootstrap = options.bootstrap
    prefix = f"prom{os.getpid()}{random.randrange(10**6)}."
    topic = lambda name: prefix + name

    processes = []

    def start(name, args):
        log = open(os.path.join(work, f"{name}.log"), "w")
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        processes.append((name, process))
        return process

    try:
        subprocess.run([binary("topics"), "--bootstrap", bootstrap, "create",
                        "--pipeline", "--prefix", prefix, "--partitions", "2"],
                       check=True, capture_output=True, timeout=60)

        ports = {stage: free_port() for stage in STAGES}
        common = lambda stage, src, dst: [
            f"--bootstrap={bootstrap}", f"--input={topic(src)}",
            f"--output={topic(dst)}", f"--dlq={topic('wire.dlq')}",
            f"--group={prefix}{stage}", "--instance=0",
            f"--http=127.0.0.1:{ports[stage]}"]
        start("normalize", [binary("normalize")] +
              common("normalize", "wire.raw", "wire.stories"))
        start("dedup", [binary("dedup")] +
              common("dedup", "wire.stories", "wire.unique") +
              [f"--changelog_topic={topic('wire.dedup.state')}",
               f"--duplicates_topic={topic('wire.duplicates')}"])
        start("classify", [binary("classify")] +
              common("classify", "wire.unique", "wire.classified"))
        start("alert", [binary("alert")] +
              common("alert", "wire.classified", "wire.enriched") +
              [f"--alerts_topic={topic('wire.alerts')}",
               f"--changelog_topic={topic('wire.alert.state')}",
               f"--rules={options.alert_rules}"])

        # The workers as Kubernetes would show them to Prometheus.
        targets = [{
            "targets": [f"127.0.0.1:{ports[stage]}"],
            "labels": {
                "__meta_kubernetes_pod_label_app_kubernetes_io_part_of":
                    "wirestream",
                "__meta_kubernetes_pod_label_app_kubernetes_io_component":
                    stage,
                "__meta_kubernetes_pod_annotation_prometheus_io_scrape":
                    "true",
                "__meta_kubernetes_pod_annotation_prometheus_io_port":
                    str(ports[stage]),
                "__meta_kubernetes_pod_name": f"wirestream-{stage}-0",
                "__meta_kubernetes_namespace": "test",
            }} for stage in STAGES]
        targets_file = os.path.join(work, "targets.json")
        with open(targets_file, "w") as f:
            json.dump(targets, f)
        rules_dir = os.path.join(work, "rules")
        os.makedirs(rules_dir, exist_ok=True)
        for path in options.rules:
            with open(path) as src, open(
                    os.path.join(rules_dir, os.path.basename(path)), "w") as f:
                f.write(src.read())
        config_file = os.path.join(work, "prometheus.yml")
        with open(config_file, "w") as f:
            yaml.safe_dump(prometheus_config(options.prometheus_yml,
                                             targets_file, rules_dir), f)
        prometheus_port = free_port()
        start("prometheus", [
            "prometheus", f"--config.file={config_file}",
            f"--storage.tsdb.path={os.path.join(work, 'tsdb')}",
            f"--web.listen-address=127.0.0.1:{prometheus_port}",
            "--log.level=warn"])
        prometheus = Prometheus(prometheus_port)

        # Every worker ready (group joined, partitions assigned) before the
        # stories go out; Prometheus answering.
        deadline = time.time() + 90
        for stage in STAGES:
            while True:
                try:
                    get(f"http://127.0.0.1:{ports[stage]}/readyz")
                    break
                except OSError:
                    if time.time() > deadline:
                        raise SystemExit(f"{stage} not ready within 90 s")
                    time.sleep(0.5)
        if not prometheus.wait_for(
                'count(up{job="wirestream"} == 1)', len(STAGES),
                time.time() + 60, "targets up"):
            raise SystemExit("Prometheus does not scrape the workers")

        # The sample stories, then 2 records that are not RawStory (bytes no protobuf
        # message parses from).
        stories = []
        for folder in options.stories:
            stories += sorted(os.path.join(folder, n)
                              for n in os.listdir(folder))
        subprocess.run([binary("produce"), f"--bootstrap={bootstrap}",
                        f"--topic={topic('wire.raw')}", "--source=test"] +
                       stories, check=True, capture_output=True, timeout=60)
        subprocess.run(["kcat", "-b", bootstrap, "-P", "-t", topic("wire.raw")],
                       input=b"\xff\xff\xff\n\xff\xfe\n", check=True,
                       timeout=30)
        sent = len(stories) + 2
        print(f"sent {len(stories)} stories and 2 bad records", flush=True)

        # The values Prometheus scraped match what was sent.
        deadline = time.time() + 120
        consumed = lambda s: (f'sum(wirestream_records_consumed_total'
                              f'{{stage="{s}"}})')
        produced = lambda s: (f'sum(wirestream_records_produced_total'
                              f'{{stage="{s}"}})')
        prometheus.wait_for(consumed("normalize"), sent, deadline,
                            "normalize read every record")
        prometheus.wait_for(produced("normalize"), len(stories), deadline,
                            "normalize wrote every story")
        prometheus.wait_for(
            'sum(wirestream_records_dead_lettered_total{stage="normalize", '
            'reason="unparsable_record"})', 2, deadline,
            "normalize dead-lettered the bad records")
        prometheus.wait_for(
            'sum(wirestream_records_dead_lettered_total{stage="normalize"})',
            2, deadline, "no other dead letters")
        prometheus.wait_for(consumed("dedup"), len(stories), deadline,
                            "dedup read what normalize wrote")
        prometheus.wait_for(
            'sum(wirestream_dedup_verdicts_total)', len(stories), deadline,
            "dedup judged every story")
        # dedup also writes its changelog and routed duplicates: classify
        # reads what is on wire.unique.
        unique = count_records(bootstrap, topic("wire.unique"))
        if unique == 0:
            fail("dedup passed no story on")
        prometheus.wait_for(consumed("classify"), unique, deadline,
                            "classify read what dedup passed on")
        prometheus.wait_for(
            'sum(wirestream_classify_stories_total)',
            prometheus.value(consumed("classify")), deadline,
            "classify classified every story it read")
        prometheus.wait_for(produced("classify"), unique, deadline,
                            "classify wrote every story it read")
        prometheus.wait_for(consumed("alert"), unique, deadline,
                            "alert read what classify wrote")
        prometheus.wait_for(
            'sum(wirestream_records_produced_total{stage="alert"})',
            unique + count_records(bootstrap, topic("wire.alerts")) +
            count_records(bootstrap, topic("wire.alert.state")), deadline,
            "alert wrote every story, alert and changelog record")

        dlq = count_records(bootstrap, topic("wire.dlq"))
        if dlq != 2:
            fail(f"the dead-letter topic holds {dlq} records, want 2")

        # Alerts by rule: what Prometheus has is what the worker counts.
        alert_text = get(f"http://127.0.0.1:{ports['alert']}/metrics")
        rules_fired = set(re.findall(r'^wirestream_alerts_total\{[^}]*rule="'
                                     r'([^"]+)"', alert_text, re.MULTILINE))
        if "earthquake" not in rules_fired:
            fail(f"no earthquake alert; rules that fired: {rules_fired}")
        for rule in rules_fired:
            want = metric_value(alert_text, "wirestream_alerts_total",
                                {"rule": rule})
            prometheus.wait_for(
                f'sum(wirestream_alerts_total{{rule="{rule}"}})', want,
                deadline, f"alerts for rule {rule}")

        # Each stage's series, and its target up under its stage label.
        for stage in STAGES:
            for name in ("wirestream_records_consumed_total",
                         "wirestream_end_to_end_latency_seconds_bucket",
                         "wirestream_consumer_lag_records",
                         "wirestream_consumer_lag_seconds", "wirestream_ready"):
                answer = prometheus.query(f'{name}{{stage="{stage}"}}')
                if not answer["data"]["result"]:
                    fail(f"no {name} series for {stage}")
            if prometheus.value(
                    f'up{{job="wirestream", wirestream_stage="{stage}", '
                    f'instance="wirestream-{stage}-0", namespace="test"}}') != 1:
                fail(f"no target up for {stage} with its Kubernetes labels")

        # A recording rule (evaluated every 15 s) gives the stage's total.
        prometheus.wait_for(
            'wirestream_stage:records_consumed:sum{stage="normalize"}', sent,
            time.time() + 60, "recording rule")

        # Every panel's queries, template variables substituted.
        with open(options.dashboard) as f:
            dashboard = json.load(f)
        stages_listed = json.loads(get(
            prometheus.base + "/api/v1/label/stage/values?" +
            urllib.parse.urlencode(
                {"match[]": "wirestream_records_consumed_total"})))["data"]
        if sorted(stages_listed) != sorted(STAGES):
            fail(f"the stage variable would list {stages_listed}")
        substitutions = [{"stage": ".*", "instance": ".*"}] + [
            {"stage": s, "instance": f"wirestream-{s}-0"} for s in STAGES]
        queries = 0
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                for values in substitutions:
                    expr = target["expr"]
                    uses_variables = "$stage" in expr or "$instance" in expr
                    for name, value in values.items():
                        expr = expr.replace(f"${name}", value)
                    expr = expr.replace("$__rate_interval", "1m").replace(
                        "$__range", "5m")
                    if "$" in expr.replace("{{", ""):
                        fail(f"{panel['title']}: variable left in {expr}")
                    answer = prometheus.query(expr)
                    queries += 1
                    if answer.get("status") != "success":
                        fail(f"{panel['title']}: {expr}: {answer.get('error')}")
                    elif values["stage"] == ".*" and not answer["data"][
                            "result"]:
                        fail(f"{panel['title']}: no data for {expr}")
                    if not uses_variables:
                        break
        print(f"{queries} panel queries run", flush=True)

        # Peak resident memory of each worker (for the Deployments' sizes).
        for name, process in processes:
            try:
                with open(f"/proc/{process.pid}/status") as f:
                    peak = re.search(r"VmHWM:\s+(\d+) kB", f.read())
                print(f"{name}: peak RSS {int(peak.group(1)) // 1024} MiB")
            except OSError:
                pass
    finally:
        for name, process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in processes:
            try:
                process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        subprocess.run([binary("topics"), "--bootstrap", bootstrap, "delete",
                        "--pipeline", "--prefix", prefix],
                       capture_output=True, timeout=60)
        if failures:
            for name, _ in processes:
                with open(os.path.join(work, f"{name}.log")) as f:
                    print(f"--- {name} log (end)\n{f.read()[-1500:]}")
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
