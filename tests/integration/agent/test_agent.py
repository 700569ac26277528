#!/usr/bin/python3
"""Issue 11: `nautilus agent` as a daemon, on two namespace hosts.

A runs the agent with a config file holding one [service] and a services
directory holding one Avahi .service file (name "Avahi on %h"); B browses.
1. B sees both services, signed by the agent's key.
2. SIGHUP with the same config: the agent logs "2 unchanged", B reports no
   removal, and a capture on B holds no TTL-0 answer (goodbye) from A.
3. SIGHUP with a malformed config: the agent logs "reload refused:
   FILE:LINE: ..." with the right line, keeps running and keeps both
   services (no goodbye in the capture either).
4. SIGKILL, then a restart with --user nobody and no browse types: the
   same key (from the state directory), the process runs as nobody after
   binding, a fresh browse on B sees both services again under that key,
   and the agent browses the type B publishes, found by enumeration
   (_services._dns-sd._udp).
5. SIGTERM: exit 0, and B reports both removed (goodbyes).
Each agent reports to a NOTIFY_SOCKET the test holds (sd_notify): READY=1,
RELOADING=1 and READY=1 around each reload, STOPPING=1 on SIGTERM.
"""
import os
import pwd
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nttest import wait  # noqa: E402
from nttest import (Checks, Lan, Nautilus, nautilus_path, read_mdns_pcap,  # noqa: E402
                    require_commands)

HOST = "nt-agent"
CONF_NAME = "Conf Web"
AVAHI_NAME = "Avahi on " + HOST
AVAHI_FILE = """<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name replace-wildcards="yes">Avahi on %h</name>
  <service>
    <type>_http._tcp</type>
    <port>8081</port>
    <txt-record>path=/avahi</txt-record>
  </service>
</service-group>
"""


def write_config(path, workdir, bad=False, txt="/conf", browse="_nautilus-test._tcp"):
    lines = ["; written by test_agent.py",
             "[agent]",
             "interfaces = lan0",
             "host-name = " + HOST,
             "state-directory = " + os.path.join(workdir, "state"),
             "services-directory = " + os.path.join(workdir, "services"),
             "browse = %s" % browse if browse else "; browse: every type enumerated",
             "[log]",
             "level = info",
             "[service %s]" % CONF_NAME,
             "type = _http._tcp",
             "port = 8080",
             "txt.path = " + txt]
    if bad:
        lines.insert(6, "frobnicate = yes")  # line 7
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def agent_key(log):
    for line in log.splitlines():
        if "signing as %s.local key " % HOST in line:
            return line.rsplit(" ", 1)[1]
    return None


def present(lines, name, key=None):
    return lines.seen(lambda o: o.get("event") in ("added", "updated") and o.get("instance") == name
                      and o.get("port") and (key is None or o.get("key") == key))


def removed(lines, name):
    return lines.seen(lambda o: o.get("event") == "removed" and o.get("instance") == name)


def answers_from(pcap, addrs):
    """(answers with TTL > 0, answers with TTL 0) that A multicast."""
    live = bye = 0
    for p in read_mdns_pcap(pcap):
        if p["is_response"] and p["src"] in addrs:
            live += sum(1 for x in p["answers"] if x["ttl"] > 0)
            bye += sum(1 for x in p["answers"] if x["ttl"] == 0)
    return live, bye


class Notify:
    """A NOTIFY_SOCKET as systemd holds it: datagrams of KEY=VALUE lines."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.1)
        self.msgs = []

    def states(self):
        while True:
            try:
                data = self.sock.recv(4096).decode(errors="replace")
            except socket.timeout:
                break
            self.msgs += [x for x in data.split("\n") if x.split("=")[0] in
                          ("READY", "RELOADING", "STOPPING")]
        return self.msgs


def uids(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Uid:"):
                return [int(x) for x in line.split()[1:]]
    return []


def main():
    nbin = nautilus_path()
    require_commands(nbin, "agent", "browse")
    c = Checks("agent: config and Avahi services, SIGHUP, bad reload, SIGKILL and restart")
    with Lan(hosts=2, prefix="ntag") as lan:
        a, b = lan.hosts
        os.makedirs(os.path.join(lan.workdir, "services"))
        with open(os.path.join(lan.workdir, "services", "web.service"), "w") as f:
            f.write(AVAHI_FILE)
        conf = os.path.join(lan.workdir, "agent.conf")
        write_config(conf, lan.workdir)
        pcap = os.path.join(lan.workdir, "b.pcap")
        cap = b.capture(pcap)
        nb = Nautilus(nbin, b).browse("_http._tcp")
        notify = Notify(os.path.join(lan.workdir, "notify.sock"))
        # The control socket in the test's directory, not the host's /run.
        ctl = os.path.join(lan.workdir, "ctl", "control")
        agent = a.spawn([nbin, "agent", "--config", conf, "--control", ctl], name="agent",
                        env=dict(os.environ, NOTIFY_SOCKET=notify.path))

        # -- 1. both services seen, signed -----------------------------------
        log, _ = agent.wait_log("signing as", 10)
        key = agent_key(log)
        c.check(key is not None, "agent logs its key", log[-300:])
        both = wait(lambda: present(nb, CONF_NAME, key) and present(nb, AVAHI_NAME, key), 10)
        c.check(bool(both), "B sees \"%s\" (config) and \"%s\" (Avahi file) under the agent's key"
                % (CONF_NAME, AVAHI_NAME), [o for o in nb.all][-4:])
        ev = present(nb, AVAHI_NAME)
        c.check(bool(ev) and ev[-1].get("port") == 8081 and ev[-1].get("txt", {}).get("path")
                == "/avahi", "the Avahi service has its port and TXT", ev[-1:] if ev else None)
        c.check(bool(ev) and ev[-1].get("trust") == "self-signed", "and is signed",
                ev[-1].get("trust") if ev else None)

        # -- 2. SIGHUP, same config: nothing withdrawn -----------------------
        mark = len(agent.read_log())
        agent.send_signal(signal.SIGHUP)
        log, i = agent.wait_log("2 unchanged, 0 published, 0 withdrawn", 10, mark)
        c.check(i >= 0, "reload with the same config: 2 unchanged, 0 published, 0 withdrawn",
                log[mark:][-400:])

        # -- 3. SIGHUP, malformed config: old one kept -----------------------
        write_config(conf, lan.workdir, bad=True)
        mark = len(agent.read_log())
        agent.send_signal(signal.SIGHUP)
        log, i = agent.wait_log("reload refused", 10, mark)
        c.check(i >= 0 and ("%s:7: unknown key 'frobnicate'" % conf) in log[i:],
                "a malformed reload is refused with FILE:LINE and logged", log[mark:][-400:])
        c.check(agent.alive(), "the agent keeps running")
        # Give any (wrong) goodbye time to reach B before the capture ends.
        time.sleep(2.0)
        cap.stop(signal.SIGTERM)
        n_live, n_bye = answers_from(pcap, {a.v4, a.v6})
        c.figure("goodbyes_during_reloads", n_bye)
        c.check(n_live > 0, "the capture on B holds A's announcements", n_live)
        c.check(n_bye == 0, "no TTL-0 answer from A during both reloads", n_bye)
        c.check(not removed(nb, CONF_NAME) and not removed(nb, AVAHI_NAME),
                "B saw no removal during the reloads")

        # -- 3b. SIGHUP, one service changed: that one is replaced -----------
        write_config(conf, lan.workdir, txt="/changed")
        mark = len(agent.read_log())
        agent.send_signal(signal.SIGHUP)
        log, i = agent.wait_log("1 unchanged, 1 published, 1 withdrawn", 10, mark)
        c.check(i >= 0, "reload with one service changed: 1 unchanged, 1 published, 1 withdrawn",
                log[mark:][-400:])
        # What A now answers: a browse started after the change sees the new
        # TXT (and never the old one, withdrawn with a goodbye).
        nb3 = Nautilus(nbin, b).browse("_http._tcp", name="browse-changed")
        ch = wait(lambda: nb3.seen(lambda o: o.get("instance") == CONF_NAME and o.get("event") in
                                   ("added", "updated") and o.get("txt", {}).get("path")
                                   == "/changed"), 10)
        c.check(bool(ch), "a browse on B sees the changed TXT of \"%s\"" % CONF_NAME,
                [dict((k, o.get(k)) for k in ("event", "txt", "reason", "trust"))
                 for o in nb3.seen(lambda o: o.get("instance") == CONF_NAME)][-6:])
        old = nb3.seen(lambda o: o.get("instance") == CONF_NAME
                       and o.get("txt", {}).get("path") == "/conf")
        c.check(not old, "and not the old one", old[-2:])
        if not present(nb, CONF_NAME) or not nb.seen(
                lambda o: o.get("instance") == CONF_NAME and o.get("txt", {}).get("path") ==
                "/changed"):
            c.note("the browse running since the start has not (yet) reported the new TXT")

        # sd_notify: one READY at start, then RELOADING/READY per reload (3).
        want = ["READY=1"] + ["RELOADING=1", "READY=1"] * 3
        got = wait(lambda: notify.states()[:7] == want and notify.states(), 5)
        c.check(bool(got), "sd_notify: READY=1, then RELOADING=1 and READY=1 per reload",
                notify.msgs)

        # -- 4. SIGKILL and restart as nobody: same key, services back ---------
        write_config(conf, lan.workdir, txt="/changed", browse=None)
        Nautilus(nbin, b).publish("Enum Probe", "_ntenum._tcp", 9, host_name="nt-b")
        agent.stop(signal.SIGKILL)
        c.check(notify.states()[7:] == [], "no STOPPING=1 from a SIGKILLed agent", notify.msgs)
        # As systemd's, the socket is reachable after the agent drops root.
        os.chmod(lan.workdir, 0o711)
        notify2 = Notify(os.path.join(lan.workdir, "notify2.sock"))
        os.chmod(notify2.path, 0o777)
        agent = a.spawn([nbin, "agent", "--config", conf, "--user", "nobody", "--control", ctl],
                        name="agent2",
                        env=dict(os.environ, NOTIFY_SOCKET=notify2.path))
        log, _ = agent.wait_log("signing as", 10)
        c.check(agent_key(log) == key, "after SIGKILL the restarted agent has the same key",
                agent_key(log))
        log, i = agent.wait_log("running as nobody", 10)
        nobody = pwd.getpwnam("nobody").pw_uid
        c.check(i >= 0 and uids(agent.pid) == [nobody] * 4,
                "after binding it runs as nobody (real, effective, saved, fs uid)", uids(agent.pid))
        nb2 = Nautilus(nbin, b).browse("_http._tcp", name="browse2")
        both = wait(lambda: present(nb2, CONF_NAME, key) and present(nb2, AVAHI_NAME, key), 10)
        c.check(bool(both), "a fresh browse on B sees both services again under that key",
                [dict((k, o.get(k)) for k in ("event", "instance", "key", "trust", "reason"))
                 for o in nb2.all][-6:])
        agent.wait_log("published \"%s\"" % AVAHI_NAME, 10)

        log, i = agent.wait_log("browsing _ntenum._tcp", 10)
        c.check(i >= 0, "with no browse types it browses what the LAN enumerates (_ntenum._tcp)",
                log[-300:])
        log, i = agent.wait_log("added \"Enum Probe\" _ntenum._tcp", 10)
        c.check(i >= 0, "and logs the instance B publishes there", log[-300:])

        # -- 5. SIGTERM: goodbyes, exit 0 ------------------------------------
        rc = agent.stop(signal.SIGTERM, timeout=5)
        c.check(rc == 0, "SIGTERM: exit 0", rc)
        c.check(notify2.states() == ["READY=1", "STOPPING=1"],
                "sd_notify after dropping root: READY=1, then STOPPING=1 on SIGTERM", notify2.msgs)
        gone = wait(lambda: removed(nb2, CONF_NAME) and removed(nb2, AVAHI_NAME), 5)
        c.check(bool(gone), "B reports both removed after SIGTERM (goodbyes)",
                [dict((k, o.get(k)) for k in ("event", "instance")) for o in nb2.all][-6:])
    c.done()


if __name__ == "__main__":
    main()
