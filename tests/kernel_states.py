#!/usr/bin/env python3
"""kernel_states.py - tcpfsm's final states against the Linux kernel's.

For a capture recorded by captures/record.sh, <name>.ss holds
`ss -tan state all` from the client's and the server's namespace at the
end of the recording.  For the last connection on every 4-tuple, each
endpoint's state in tcpfsm's JSON record must be the kernel's state of
that socket; a socket that is gone counts as CLOSED, and so does an
endpoint tcpfsm leaves in LISTEN (a listener holds no socket for the
4-tuple).

usage: kernel_states.py TCPFSM CAPTURE.pcap   (CAPTURE.ss beside it)
Exit 0 when every endpoint agrees, 1 otherwise, printing each mismatch.
"""
import json
import subprocess
import sys

SS_NAMES = {
    "ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECEIVED",
    "FIN-WAIT-1": "FIN_WAIT_1", "FIN-WAIT-2": "FIN_WAIT_2",
    "TIME-WAIT": "TIME_WAIT", "CLOSE-WAIT": "CLOSE_WAIT",
    "LAST-ACK": "LAST_ACK", "CLOSING": "CLOSING", "CLOSED": "CLOSED",
}


def parse_ss(path):
    """{(local, peer): state} for each namespace section of an .ss file."""
    sockets = {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            if not fields or fields[0] in ("#", "State") or line.startswith("#"):
                continue
            if fields[0] == "LISTEN" or fields[0] not in SS_NAMES:
                continue
            sockets[(fields[3], fields[4])] = SS_NAMES[fields[0]]
    return sockets


def endpoint(rec):
    ip = rec["ip"]
    return "[%s]:%d" % (ip, rec["port"]) if ":" in ip else "%s:%d" % (ip, rec["port"])


def main():
    tcpfsm, pcap = sys.argv[1], sys.argv[2]
    ss = pcap[:-len(".pcap")] + ".ss"
    kernel = parse_ss(ss)
    out = subprocess.run([tcpfsm, "-F", "json", "-r", pcap], check=True,
                         capture_output=True, text=True).stdout
    last = {}
    for line in out.splitlines():
        rec = json.loads(line)
        if rec["type"] == "conn":
            last[(endpoint(rec["client"]), endpoint(rec["server"]))] = rec
    if not last:
        print("%s: no connection" % pcap)
        return 1
    bad = 0
    for (c, s), rec in sorted(last.items()):
        for role, local, peer in (("client", c, s), ("server", s, c)):
            want = kernel.get((local, peer), "CLOSED")
            got = rec[role]["state"]
            if got == "LISTEN":
                got = "CLOSED"
            if got != want:
                print("%s: %s %s %s: kernel %s, tcpfsm %s" %
                      (pcap, rec["uid"], role, local, want, got))
                bad += 1
            else:
                print("ok %s %s %s %s" % (pcap.split("/")[-1], role, local, got))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
