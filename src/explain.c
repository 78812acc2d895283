/*
 * explain.c - the long explanations of the anomaly catalogue, for
 * --explain ID and the list --explain prints alone.
 *
 * One entry per anomaly id, indexed by enum anomaly_id, in four short
 * paragraphs for the engineer reading a report at 3 a.m.: what the
 * anomaly means and how tcpfsm decides it (its timers run in packet time:
 * --handshake-timeout 5 s, --fin-timeout 5 s, --idle-timeout 300 s,
 * --msl 30 s by default), the RFC rule behind it, its usual causes in real
 * networks, and what to look at next.  The name, severity, category and
 * one-line meaning are the catalogue's (anomaly_def()); nothing here
 * repeats them.  The texts are wrapped in advance: no line is wider than
 * 64 columns, and each is printed after a two-space indent.
 */
#include <config.h>

#include "explain.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "anomaly.h"

/* Every line of a section is printed after this. */
#define EXPLAIN_INDENT	"  "

/* The long explanation of one anomaly id. */
struct explain_text {
	const char	*meaning;	/* what it means, how it is decided */
	const char	*rule;		/* the RFC rule behind it */
	const char	*causes;	/* usual causes, as "- " bullets */
	const char	*next;		/* what to look at next, "- " bullets */
};

/* Indexed by enum anomaly_id, in the catalogue's order (DESIGN §5). */
static const struct explain_text explain_table[] = {
	[AN_SYN_UNANSWERED] = {
	    .meaning =
	    "The client sent a SYN to open a connection and heard nothing\n"
	    "back: no SYN-ACK and no RST within --handshake-timeout (5 s by\n"
	    "default, counted in packet time from the first SYN). The client\n"
	    "is left in SYN_SENT, retrying on its own timer until connect()\n"
	    "fails with a timeout. At the end of the input the attempt is\n"
	    "counted only if the client had already retransmitted its SYN;\n"
	    "otherwise it is reported as still open.",
	    .rule =
	    "RFC 9293 section 3.5: a connection opens with three segments.\n"
	    "The SYN carries the client's initial sequence number (ISN), the\n"
	    "SYN-ACK carries the server's ISN and acknowledges the client's,\n"
	    "the final ACK acknowledges the server's. Three is the fewest\n"
	    "that lets each side learn the other's ISN and know its own\n"
	    "arrived, so that an old duplicate SYN cannot open a connection\n"
	    "on its own (section 3.4). A host with nobody listening on the\n"
	    "port must answer with a RST (section 3.10.7.1), so silence means\n"
	    "the SYN or its answer was lost or dropped on purpose.",
	    .causes =
	    "- A firewall or security group silently dropping the SYN (DROP\n"
	    "  rather than REJECT); the most common cause.\n"
	    "- The server host is down, or the address is wrong or\n"
	    "  unreachable.\n"
	    "- The server's accept queue is full: Linux then drops new SYNs\n"
	    "  (a SYN flood, or an application that calls accept() too\n"
	    "  slowly).\n"
	    "- The SYN-ACK was dropped on its way back, e.g. by a stateful\n"
	    "  firewall on an asymmetric return path that never saw the SYN.\n"
	    "- A port scan: one SYN each to many filtered ports from one\n"
	    "  source.",
	    .next =
	    "- The sentence says how many SYNs were sent. Linux retries about\n"
	    "  1, 3, 7, 15, 31 and 63 s after the first\n"
	    "  (net.ipv4.tcp_syn_retries = 6); connect latencies of 1 s or\n"
	    "  3 s in the application are this.\n"
	    "- From the client, test the port: a hang means dropped,\n"
	    "  \"refused\" means a RST came back:\n"
	    "  $ nc -vz -w 5 HOST PORT\n"
	    "- On the server, is something listening, and is its accept queue\n"
	    "  full (Recv-Q near Send-Q)? Did it drop SYNs?\n"
	    "  $ ss -ltn 'sport = :PORT'\n"
	    "  $ nstat -az TcpExtListenDrops TcpExtListenOverflows\n"
	    "- Capture on the server side too: does the SYN arrive, does a\n"
	    "  SYN-ACK leave?\n"
	    "  $ tcpdump -ni any 'port PORT and tcp[tcpflags] & tcp-syn != 0'\n"
	    "- Firewall rule counters and conntrack on the path\n"
	    "  (iptables -L -nv, nft list ruleset, conntrack -S).",
	},
	[AN_SYNACK_UNACKED] = {
	    .meaning =
	    "The server answered a SYN with a SYN-ACK, but the client's ACK,\n"
	    "the third segment of the handshake, never came within\n"
	    "--handshake-timeout (5 s from the first SYN-ACK, in packet\n"
	    "time). The server is left in SYN_RECEIVED: a half-open\n"
	    "connection holding a slot in its SYN queue. At the end of the\n"
	    "input it is counted only if the server had already retransmitted\n"
	    "its SYN-ACK.",
	    .rule =
	    "RFC 9293 section 3.5: the SYN-ACK carries the server's ISN, and\n"
	    "the server is established only when an ACK of that ISN comes\n"
	    "back (section 3.10.7.4, SYN-RECEIVED: SND.UNA < SEG.ACK =<\n"
	    "SND.NXT). The third segment proves that the client really sits\n"
	    "at its source address and saw the server's ISN; that is why\n"
	    "forged SYNs cannot open connections, and also why they can fill\n"
	    "a server's SYN queue with half-open ones.",
	    .causes =
	    "- A SYN flood: forged source addresses that never answer. Many\n"
	    "  of these from many sources to one port is the signature; Linux\n"
	    "  logs \"Possible SYN flooding on port N\" and starts sending\n"
	    "  SYN cookies.\n"
	    "- The client's ACK is dropped on the way: a firewall in one\n"
	    "  direction, or an asymmetric path through a device that never\n"
	    "  saw the SYN.\n"
	    "- The SYN-ACK never reached the client; the client then\n"
	    "  retransmits its SYN as well (look for syn_retransmitted).\n"
	    "- The capture missed the ACK; the server then sends data anyway\n"
	    "  (look for data_before_established, one_sided).\n"
	    "- Not this one: when the client's ACK was seen and the server\n"
	    "  still repeats its SYN-ACK (its accept queue was full and it\n"
	    "  dropped the ACK), tcpfsm reports synack_retransmitted and\n"
	    "  shows the server back in SYN_RECEIVED.",
	    .next =
	    "- On the server: how many half-open connections, and are SYN\n"
	    "  cookies in use?\n"
	    "  $ ss -tn state syn-recv | wc -l\n"
	    "  $ nstat -az TcpExtSyncookiesSent TcpExtSyncookiesFailed\n"
	    "  $ dmesg | grep -i 'SYN flooding'\n"
	    "- Settings: net.ipv4.tcp_syncookies,\n"
	    "  net.ipv4.tcp_max_syn_backlog, net.core.somaxconn and the\n"
	    "  listen() backlog.\n"
	    "- Many random sources (a flood) or a few real clients (a path\n"
	    "  problem)?\n"
	    "  $ tcpfsm -r FILE -F json |\n"
	    "      jq -r 'select(.server.state == \"SYN_RECEIVED\")\n"
	    "      | .client.ip' | sort | uniq -c | sort -rn | head\n"
	    "- Capture at a client too: did the SYN-ACK arrive, did an ACK\n"
	    "  leave?",
	},
	[AN_SYN_RETRANSMITTED] = {
	    .meaning =
	    "An endpoint sent the same SYN (same ISN) more than once: its\n"
	    "retransmission timer fired before an answer reached it. It is\n"
	    "reported once per connection, with the number of extra copies.\n"
	    "If a SYN-ACK had already gone by on the wire, the replay\n"
	    "believes the endpoint: the SYN-ACK never reached it, and it is\n"
	    "put back in SYN_SENT. A SYN with a new ISN is a new attempt, and\n"
	    "tcpfsm starts a new connection for it.",
	    .rule =
	    "RFC 9293 section 3.8.1 and RFC 6298: a SYN is retransmitted like\n"
	    "data, from an initial timeout of 1 s, doubling each time. A\n"
	    "retransmitted SYN keeps its ISN; only a new attempt picks a new\n"
	    "one (section 3.4.1).",
	    .causes =
	    "- The SYN or the SYN-ACK was lost: a lossy or congested link.\n"
	    "- The server's accept queue was full and it dropped the SYN (an\n"
	    "  application that calls accept() too slowly, or a SYN flood).\n"
	    "- SYN rate limiting on a firewall or load balancer.\n"
	    "- The SYN-ACK was seen on the wire before the copy: it was lost\n"
	    "  between the capture point and the client.",
	    .next =
	    "- The gaps between copies: 1 s, 2 s, 4 s... is the kernel's\n"
	    "  backoff; the application sees a connect that takes 1 s, 3 s,\n"
	    "  7 s.\n"
	    "- In `tcpfsm --packets -r FILE`, is there a SYN-ACK between the\n"
	    "  copies?\n"
	    "- On the server:\n"
	    "  $ nstat -az TcpExtListenDrops TcpExtListenOverflows\n"
	    "- The JSON client.syn_retransmissions and the retransmission\n"
	    "  counters of the other connections on the same path (general\n"
	    "  loss).",
	},
	[AN_SYNACK_RETRANSMITTED] = {
	    .meaning =
	    "The server sent the same SYN-ACK more than once, reported once\n"
	    "per connection with the number of extra copies. Either its timer\n"
	    "fired because the client's ACK did not reach it, or the client\n"
	    "repeated its SYN and each copy was answered. If the handshake's\n"
	    "ACK had already gone by on the wire, the replay believes the\n"
	    "server and puts it back in SYN_RECEIVED.",
	    .rule =
	    "RFC 9293 section 3.10.7.4 (SYN-RECEIVED) and section 3.8.1: the\n"
	    "server stays in SYN_RECEIVED until its SYN is acknowledged and\n"
	    "retransmits the SYN-ACK meanwhile; Linux does so up to\n"
	    "net.ipv4.tcp_synack_retries (5) times, about 1, 3, 7, 15 and\n"
	    "31 s after the first.",
	    .causes =
	    "- The client's ACK was lost on the way to the server (lossy\n"
	    "  link, a firewall dropping it).\n"
	    "- The SYN-ACK was lost on the way to the client, which repeats\n"
	    "  its SYN (syn_retransmitted too).\n"
	    "- A full accept queue: with net.ipv4.tcp_abort_on_overflow = 0,\n"
	    "  Linux drops the client's ACK when the listener's accept queue\n"
	    "  is full and repeats the SYN-ACK. The client believes it is\n"
	    "  connected; the server does not. The application is not calling\n"
	    "  accept() fast enough.\n"
	    "- A SYN flood (then synack_unacked as well).",
	    .next =
	    "- If the client's ACK went by before the copy and the server\n"
	    "  ends in SYN_RECEIVED (JSON server.state), suspect the accept\n"
	    "  queue:\n"
	    "  $ ss -ltn 'sport = :PORT'\n"
	    "  $ nstat -az TcpExtListenOverflows TcpExtListenDrops\n"
	    "- Raise the backlog (the listen() argument, net.core.somaxconn)\n"
	    "  and find out why the application accepts slowly (threads\n"
	    "  blocked, event loop stalled).\n"
	    "- `tcpfsm --packets -r FILE` to see the order of ACK and copies.",
	},
	[AN_SYNACK_BAD_ACK] = {
	    .meaning =
	    "A SYN-ACK acknowledges a number other than the client's ISN+1,\n"
	    "so it answers no SYN this client sent on this connection. The\n"
	    "client cannot accept it: it stays in SYN_SENT and should answer\n"
	    "with a RST. The sentence gives the number acknowledged and the\n"
	    "one expected.",
	    .rule =
	    "RFC 9293 section 3.10.7.3 (SYN-SENT): an ACK is acceptable only\n"
	    "if ISS < SEG.ACK =< SND.NXT, which for a SYN is exactly ISN+1.\n"
	    "An unacceptable one is answered with <SEQ=SEG.ACK><CTL=RST> and\n"
	    "dropped. This is how TCP recovers from old duplicate SYNs\n"
	    "(section 3.5): the stale answer is reset, the real one goes\n"
	    "through.",
	    .causes =
	    "- A SYN-ACK to an older SYN on the same 4-tuple: an earlier\n"
	    "  attempt with another ISN, e.g. a client reconnecting from the\n"
	    "  same port.\n"
	    "- A middlebox rewriting sequence numbers (a firewall's ISN\n"
	    "  randomization, such as Cisco ASA's, a SYN proxy or load\n"
	    "  balancer), with the capture seeing the two directions on\n"
	    "  different sides of it.\n"
	    "- A NAT mapping two inside hosts to the same public port.\n"
	    "- A broken TCP stack.",
	    .next =
	    "- In `tcpfsm --packets -r FILE`, the client's RST whose sequence\n"
	    "  number equals the bad ACK (the correct reaction), and an\n"
	    "  earlier connection on the same 4-tuple.\n"
	    "- Capture on both sides of the firewall or load balancer and\n"
	    "  compare the ISNs.\n"
	    "- NAT state for the 4-tuple:\n"
	    "  $ conntrack -L -p tcp --sport PORT",
	},
	[AN_HANDSHAKE_ACK_BAD] = {
	    .meaning =
	    "The segment that should complete the handshake, the ACK after\n"
	    "the server's SYN-ACK, acknowledges something other than the\n"
	    "server's ISN+1 (more exactly, nothing above the ISN and up to\n"
	    "what the server sent). The server cannot accept it: it stays in\n"
	    "SYN_RECEIVED and should answer with a RST. The sentence gives\n"
	    "both numbers.",
	    .rule =
	    "RFC 9293 section 3.10.7.4, SYN-RECEIVED: if SND.UNA < SEG.ACK =<\n"
	    "SND.NXT, enter ESTABLISHED; otherwise send\n"
	    "<SEQ=SEG.ACK><CTL=RST>. This check keeps an old or forged ACK\n"
	    "from completing a connection (section 3.5).",
	    .causes =
	    "- A NAT collision: another inside host mapped to the same public\n"
	    "  4-tuple sends ACKs for its own connection.\n"
	    "- A stale ACK of an older connection on the same 4-tuple that\n"
	    "  its sender still believes open.\n"
	    "- A middlebox rewriting sequence numbers in one direction, with\n"
	    "  the capture on one side of it.\n"
	    "- Forged ACKs, e.g. an ACK flood or attempts to guess SYN\n"
	    "  cookies.",
	    .next =
	    "- In `tcpfsm --packets -r FILE`, the server's RST with the bad\n"
	    "  ACK as its sequence number, and what the client did next.\n"
	    "- NAT and firewall state for the 4-tuple:\n"
	    "  $ conntrack -L -p tcp --dport PORT\n"
	    "- An earlier connection on the same 4-tuple in the output (same\n"
	    "  ports, shortly before).",
	},
	[AN_ACK_INSTEAD_OF_SYNACK] = {
	    .meaning =
	    "The client sent a SYN and the other side answered with a bare\n"
	    "ACK (no SYN) that does not acknowledge that SYN. That is how a\n"
	    "TCP answers a SYN when it believes a connection on this 4-tuple\n"
	    "already exists: an older connection still lives on the server,\n"
	    "in TIME_WAIT or as a half-open ESTABLISHED one.",
	    .rule =
	    "RFC 9293 section 3.10.7.4: a SYN arriving in a synchronized\n"
	    "state is answered with an ACK (RFC 5961 section 4, the\n"
	    "\"challenge ACK\"), and a TIME_WAIT endpoint answers a SYN it\n"
	    "may not accept (RFC 6191) with an ACK as well. The client in\n"
	    "SYN_SENT finds that ACK unacceptable and sends\n"
	    "<SEQ=SEG.ACK><CTL=RST> (section 3.10.7.3), which clears the old\n"
	    "connection; its next SYN then gets a proper SYN-ACK. This is\n"
	    "half-open connection discovery (section 3.5.1).",
	    .causes =
	    "- The server closed the previous connection first and is in\n"
	    "  TIME_WAIT on this 4-tuple, and the new SYN does not meet\n"
	    "  RFC 6191 (no greater timestamp or ISN): clients reusing source\n"
	    "  ports quickly, a NAT with few ports, a client that bind()s a\n"
	    "  fixed source port.\n"
	    "- The client side lost the old connection while the server kept\n"
	    "  it: a client reboot or crash, a NAT mapping that expired and\n"
	    "  was handed out again, a failover.\n"
	    "- A load balancer or NAT mapping a new client onto a 4-tuple\n"
	    "  still in use.",
	    .next =
	    "- In `tcpfsm --packets -r FILE`: the client's RST and a repeated\n"
	    "  SYN about 1 s later that succeeds. The application sees a 1 s\n"
	    "  connect.\n"
	    "- The previous connection on the same 4-tuple in the output: its\n"
	    "  end and the server's final state (TIME_WAIT?).\n"
	    "- On the server, what holds the 4-tuple:\n"
	    "  $ ss -tan '( sport = :PORT and dst CLIENT )'\n"
	    "- On a NAT: the port pool size and reuse policy; conntrack -S.",
	},
	[AN_DATA_BEFORE_ESTABLISHED] = {
	    .meaning =
	    "An endpoint sent payload before its handshake had completed from\n"
	    "its own point of view (it was in SYN_SENT or SYN_RECEIVED). With\n"
	    "TCP Fast Open, when the client's SYN carried a Fast Open cookie,\n"
	    "this is expected and reported as info; otherwise it is a\n"
	    "warning.",
	    .rule =
	    "RFC 9293 sections 3.10.7.2 and 3.10.7.3: data may ride on a SYN,\n"
	    "but the receiver must hold it until the connection is\n"
	    "ESTABLISHED, since only the handshake proves the peer's address.\n"
	    "RFC 7413 (TCP Fast Open) relaxes this: with a valid cookie the\n"
	    "server delivers the SYN's data at once and may send its answer\n"
	    "before the handshake's last ACK.",
	    .causes =
	    "- TCP Fast Open (info when the SYN carried a cookie; a SYN with\n"
	    "  data and no cookie is a warning).\n"
	    "- The capture missed the ACK that completed the handshake, and a\n"
	    "  server that speaks first (SMTP, FTP, SSH banners) appears to\n"
	    "  talk in SYN_RECEIVED. Look for ack_unseen_data and one_sided.\n"
	    "- Scanners and flood tools that put payload in SYNs.\n"
	    "- A middlebox injecting data (a captive portal, a transparent\n"
	    "  proxy).",
	    .next =
	    "- Does the SYN carry a Fast Open option?\n"
	    "  `tcpfsm --packets -r FILE` shows \"tfo cookie N\" or\n"
	    "  \"tfo cookiereq\" in the options.\n"
	    "- On Linux:\n"
	    "  $ sysctl net.ipv4.tcp_fastopen\n"
	    "  $ nstat -az TcpExtTCPFastOpenActive TcpExtTCPFastOpenPassive\n"
	    "- Without Fast Open: who sent the data (the sentence), and is\n"
	    "  the handshake's ACK missing from the capture?",
	},
	[AN_SYN_ON_ESTABLISHED] = {
	    .meaning =
	    "An endpoint that had already opened this connection sent another\n"
	    "SYN with a different ISN while the connection was still open. To\n"
	    "its peer this is a new connection attempt on a 4-tuple that is\n"
	    "in use. The sentence gives the new ISN.",
	    .rule =
	    "RFC 9293 section 3.10.7.4 (the SYN check in synchronized states)\n"
	    "with RFC 5961 section 4: a SYN on an open connection is not\n"
	    "obeyed. The receiver answers with a challenge ACK; only if the\n"
	    "sender then resets (a RST it can accept) is the old connection\n"
	    "cleared and the next SYN served. Before RFC 5961 such a SYN\n"
	    "reset the connection, which blind attackers abused.",
	    .causes =
	    "- The client restarted (crash, reboot, container restart) and\n"
	    "  reused the same source port before the server noticed that the\n"
	    "  old connection was dead.\n"
	    "- A NAT handed the public port to another inside host while the\n"
	    "  old connection was idle but open (NAT idle timeouts shorter\n"
	    "  than the connection's silences, common on carrier-grade and\n"
	    "  cloud NAT).\n"
	    "- The capture missed the end of the old connection (its FIN or\n"
	    "  RST), so tcpfsm still thinks it is open.\n"
	    "- Blind SYN injection attempts (RFC 5961 section 4).",
	    .next =
	    "- In `tcpfsm --packets -r FILE`: the peer's challenge ACK, the\n"
	    "  sender's RST, the SYN again. How long was the connection idle\n"
	    "  before the SYN (a NAT timeout)?\n"
	    "- On a Linux receiver:\n"
	    "  $ nstat -az TcpExtTCPSYNChallenge TcpExtTCPChallengeACK\n"
	    "- On the NAT: conntrack -L for the public port, and its TCP idle\n"
	    "  timeout.",
	},
	[AN_SIMULTANEOUS_OPEN] = {
	    .meaning =
	    "Both endpoints sent a SYN without ACK and each answered the\n"
	    "other's with a SYN-ACK: neither was listening, both actively\n"
	    "opened the same 4-tuple at the same time. TCP allows this and\n"
	    "the result is one ordinary connection; it is reported as info.",
	    .rule =
	    "RFC 9293 section 3.5 (simultaneous connection synchronization):\n"
	    "a SYN arriving in SYN_SENT moves the endpoint to SYN_RECEIVED\n"
	    "(section 3.10.7.3), and each side becomes ESTABLISHED when its\n"
	    "own SYN is acknowledged.",
	    .causes =
	    "- NAT traversal: TCP hole punching by peer-to-peer software,\n"
	    "  ICE-TCP simultaneous-open candidates.\n"
	    "- Two peers configured to connect to each other from fixed\n"
	    "  ports.",
	    .next =
	    "- Nothing is wrong in itself. Check that both programs meant to\n"
	    "  connect to each other.\n"
	    "- `tcpfsm --packets -r FILE` shows the crossing SYNs step by\n"
	    "  step.",
	},
	[AN_SPLIT_HANDSHAKE] = {
	    .meaning =
	    "The responder did not answer the SYN with one SYN-ACK: it sent\n"
	    "its SYN and its acknowledgment in separate segments (an ACK then\n"
	    "a SYN, or a bare SYN that the initiator then answered with a\n"
	    "SYN-ACK), and the handshake completed that way. Valid TCP, rare\n"
	    "in practice; reported as info.",
	    .rule =
	    "RFC 9293 section 3.5: a SYN and the acknowledgment of the peer's\n"
	    "SYN need not share a segment. The four-segment form follows the\n"
	    "simultaneous-open rules (section 3.10.7.3: a SYN received in\n"
	    "SYN_SENT leads to SYN_RECEIVED), with one side answering instead\n"
	    "of initiating.",
	    .causes =
	    "- Unusual or home-grown TCP stacks, some middleboxes and SYN\n"
	    "  proxies.\n"
	    "- Deliberate evasion: the \"TCP split handshake\" (Beardsley and\n"
	    "  Qian, 2010) makes some firewalls and IDS swap the roles of\n"
	    "  client and server.",
	    .next =
	    "- Which side does your firewall or IDS take for the client? If\n"
	    "  the responding server is not yours, treat it as suspicious.\n"
	    "- `tcpfsm --packets -r FILE` to see the exact order of segments.",
	},
	[AN_ACK_UNSEEN_DATA] = {
	    .meaning =
	    "An endpoint acknowledged bytes beyond anything the capture saw\n"
	    "its peer send. The endpoint received them, so they were sent:\n"
	    "the capture lost them. This describes the capture, not the\n"
	    "endpoints; the sentence gives how many bytes were missing at\n"
	    "that point.",
	    .rule =
	    "RFC 9293 section 3.4: an acknowledgment of N says every byte\n"
	    "below N arrived, and a TCP acknowledges only what it received\n"
	    "(an ACK for data not yet sent is itself dropped,\n"
	    "section 3.10.7.4). An ACK past the data on the wire means the\n"
	    "capture is missing segments. Wireshark calls this \"ACKed\n"
	    "segment that wasn't captured\".",
	    .causes =
	    "- Capture drops: the capturing host's buffer overflowed\n"
	    "  (tcpdump's \"packets dropped by kernel\"), or an\n"
	    "  oversubscribed SPAN port or TAP aggregator.\n"
	    "- Asymmetric or ECMP routing: some of the peer's segments took a\n"
	    "  path the capture does not see.\n"
	    "- A gap between rotated capture files, or a filter that removed\n"
	    "  some packets.",
	    .next =
	    "- The capture's own drop counters: tcpdump's closing lines, the\n"
	    "  drops in tcpfsm's stats records for a live capture, and on the\n"
	    "  capture host:\n"
	    "  $ ethtool -S IFACE | grep -i -e drop -e miss\n"
	    "- Capture with a larger buffer (-B), a tighter filter or a\n"
	    "  smaller snaplen; read every rotated file, in order.\n"
	    "- Treat this connection's retransmission and window findings\n"
	    "  with care: the capture is incomplete.",
	},
	[AN_SEQ_OUT_OF_WINDOW] = {
	    .meaning =
	    "An endpoint sent data past the right edge of the window its peer\n"
	    "had advertised: the peer's highest acknowledgment plus its\n"
	    "window, scaled by the negotiated window scale. The receiver\n"
	    "should drop those bytes and answer with an ACK. Only connections\n"
	    "whose handshake was seen are judged (the window scale must be\n"
	    "known), and one-byte window probes are left alone.",
	    .rule =
	    "RFC 9293 section 3.10.7.4, the acceptability test: a segment is\n"
	    "acceptable only if it falls within RCV.NXT .. RCV.NXT+RCV.WND,\n"
	    "and a sender must not send beyond the offered window\n"
	    "(section 3.8.6), except a one-byte probe into a zero window\n"
	    "(section 3.8.6.1). RFC 7323 section 2: the window field is\n"
	    "shifted by the scale each side announced in its SYN; scaling\n"
	    "applies only if both SYNs carry the option, and a SYN's own\n"
	    "window is never scaled.",
	    .causes =
	    "- A middlebox that strips or rewrites the window scale option on\n"
	    "  one SYN, so the endpoints and the capture disagree on the\n"
	    "  window.\n"
	    "- The capture missed the receiver's window updates (capture\n"
	    "  drops; look for ack_unseen_data).\n"
	    "- A sender that ignores the window: a broken stack or a traffic\n"
	    "  generator.\n"
	    "- A middlebox rewriting sequence numbers in one direction only;\n"
	    "  injected data.",
	    .next =
	    "- The negotiated options: JSON client.wscale and server.wscale,\n"
	    "  and the SYNs' options in `tcpfsm --packets -r FILE`.\n"
	    "- Capture on both sides of the firewall or load balancer and\n"
	    "  compare the SYN options.\n"
	    "- The receiver's zero_windows and dup_acks counters, and whether\n"
	    "  it answered the segment with an ACK (it dropped the data).",
	},
	[AN_DATA_AFTER_FIN] = {
	    .meaning =
	    "An endpoint sent payload beyond its own FIN: after saying it had\n"
	    "no more data, it sent more (data ending past the FIN's sequence\n"
	    "number, or a second FIN further on). TCP cannot deliver those\n"
	    "bytes; the receiver drops them.",
	    .rule =
	    "RFC 9293 sections 3.6, 3.10.2 and 3.10.4: CLOSE means the user\n"
	    "has no more to send. The FIN takes the last sequence number of\n"
	    "the stream, and a SEND after CLOSE is refused (\"connection\n"
	    "closing\"). Once sent, a FIN cannot move.",
	    .causes =
	    "- A broken TCP stack, a traffic generator or crafted packets.\n"
	    "- A middlebox rewriting sequence numbers inconsistently, or a\n"
	    "  proxy splicing two connections badly.\n"
	    "- IDS evasion: data after the FIN to make the IDS and the host\n"
	    "  reassemble the stream differently.",
	    .next =
	    "- `tcpfsm --packets -r FILE` around the FIN: compare the\n"
	    "  sequence numbers.\n"
	    "- Did the sender really send it? Compare IP TTL and IP ID with\n"
	    "  its other segments, or capture on the sender itself:\n"
	    "  $ tcpdump -nn -v -r FILE 'host A and port P'",
	},
	[AN_SEGMENT_AFTER_RST] = {
	    .meaning =
	    "An endpoint kept sending (anything but a RST) after an\n"
	    "acceptable RST had ended the connection, within 2 x MSL of it.\n"
	    "Reported once, as an `anomaly` record under the ended\n"
	    "connection's uid: at once if the RST's own sender goes on, and\n"
	    "for the other side only from --handshake-timeout (5 s) after the\n"
	    "RST, since its segments already in flight are normal.",
	    .rule =
	    "RFC 9293 sections 3.5.3 and 3.10.7.4: an acceptable RST aborts\n"
	    "the connection and both ends forget it; from then on a TCP\n"
	    "answers any segment of it with a RST of its own (sections 3.5.2\n"
	    "and 3.10.7.1). A real TCP never goes on sending after its own\n"
	    "RST.",
	    .causes =
	    "- The RST was forged: an IPS, firewall, censorship system or\n"
	    "  attacker sent it in an endpoint's name, and the real endpoints\n"
	    "  carry on. The RST's \"sender\" talking on is the strongest\n"
	    "  sign.\n"
	    "- The RST was lost before reaching its target, which retransmits\n"
	    "  until its own timer gives up.\n"
	    "- A load balancer or firewall that reset one side on an idle\n"
	    "  timeout while the other side, behind it, goes on.",
	    .next =
	    "- Compare the RST with its supposed sender's other segments: IP\n"
	    "  TTL, IP ID, window, options. A forged RST usually differs:\n"
	    "  $ tcpdump -nn -v -r FILE 'host A and port P'\n"
	    "- Did the receiver answer later segments with RSTs of its own\n"
	    "  (it really forgot the connection)?\n"
	    "- IPS and firewall logs for a reset action at that time.",
	},
	[AN_FIN_UNACKED] = {
	    .meaning =
	    "An endpoint sent a FIN and no acknowledgment of it came within\n"
	    "--fin-timeout (5 s from the FIN, in packet time). The closer is\n"
	    "left in FIN_WAIT_1, or in CLOSING if the peer's FIN crossed its\n"
	    "own, with its FIN unacknowledged. At the end of the input it is\n"
	    "counted only if the closer had already retransmitted the FIN.",
	    .rule =
	    "RFC 9293 section 3.6: closing takes four segments because each\n"
	    "direction is closed on its own. Each side sends a FIN when it\n"
	    "has finished sending, and each FIN is acknowledged like data (it\n"
	    "takes one sequence number, section 3.4). Only the ACK of its FIN\n"
	    "moves the closer on to FIN_WAIT_2 (or from CLOSING to\n"
	    "TIME_WAIT); until then it retransmits the FIN.",
	    .causes =
	    "- The peer vanished: crash, power loss, pulled cable, paused VM.\n"
	    "- A stateful firewall or NAT had already dropped the\n"
	    "  connection's state (its idle timeout is shorter than the\n"
	    "  application's) and now silently drops its segments.\n"
	    "- A lossy link.\n"
	    "- The peer's receive window is full (an application that stopped\n"
	    "  reading), so the FIN does not fit; see the peer's zero_windows\n"
	    "  counter.\n"
	    "- The ACK took a path the capture cannot see (asymmetric\n"
	    "  routing; look for one_sided).",
	    .next =
	    "- On the closer, the retransmission timer and its count:\n"
	    "  $ ss -tno state fin-wait-1\n"
	    "  $ ss -tno state closing\n"
	    "- Is the peer alive, and what does it think of the connection\n"
	    "  (its own ss)?\n"
	    "- Firewall and NAT state for the 4-tuple (conntrack -L) and\n"
	    "  their TCP idle timeouts.\n"
	    "- Linux gives up on an orphaned FIN_WAIT_1 socket after\n"
	    "  net.ipv4.tcp_orphan_retries retransmissions.",
	},
	[AN_LAST_ACK_UNACKED] = {
	    .meaning =
	    "The passive closer, the side that received the first FIN and\n"
	    "later sent its own, never got an acknowledgment of its FIN\n"
	    "within --fin-timeout (5 s, in packet time). It is left in\n"
	    "LAST_ACK, retransmitting its FIN until it gives up. At the end\n"
	    "of the input it is counted only if it had already retransmitted\n"
	    "the FIN.",
	    .rule =
	    "RFC 9293 section 3.6 (the normal close): the side that closes\n"
	    "first ends in TIME_WAIT precisely so that it can acknowledge the\n"
	    "other side's FIN, and acknowledge it again if that FIN is\n"
	    "repeated. The passive closer leaves LAST_ACK only when its FIN\n"
	    "is acknowledged (section 3.10.7.4).",
	    .causes =
	    "- The active closer is gone: its host died, or a firewall or NAT\n"
	    "  removed the connection's state after the first FIN (short FIN\n"
	    "  or close timeouts) and drops the rest silently.\n"
	    "- A lossy link.\n"
	    "- (If the active closer's host had merely forgotten the\n"
	    "  connection, for example a Linux FIN_WAIT_2 orphan that timed\n"
	    "  out after net.ipv4.tcp_fin_timeout, it would answer with a\n"
	    "  RST, not silence.)",
	    .next =
	    "- On the passive closer:\n"
	    "  $ ss -tno state last-ack\n"
	    "- How long the connection stayed half-closed before this FIN\n"
	    "  (the time between the two FINs in `tcpfsm --packets -r FILE`),\n"
	    "  against the firewall's timeouts:\n"
	    "  $ sysctl net.netfilter.nf_conntrack_tcp_timeout_fin_wait\n"
	    "- conntrack -L for the 4-tuple on firewalls and NATs in the\n"
	    "  path.",
	},
	[AN_FIN_RETRANSMITTED] = {
	    .meaning =
	    "An endpoint sent the same FIN more than once: its acknowledgment\n"
	    "was lost, late or never sent. If an ACK of the FIN had already\n"
	    "gone by on the wire, the replay believes the endpoint and puts\n"
	    "it back (FIN_WAIT_1, CLOSING or LAST_ACK). A copy seen after the\n"
	    "connection's record was written is reported under the old uid.",
	    .rule =
	    "RFC 9293 sections 3.6 and 3.8.1: a FIN is retransmitted like\n"
	    "data until it is acknowledged. The side in TIME_WAIT must answer\n"
	    "a repeated FIN with a fresh ACK and restart its 2 x MSL timer\n"
	    "(section 3.10.7.4); that is the first reason TIME_WAIT exists.",
	    .causes =
	    "- The ACK was lost: a lossy link, or between the capture point\n"
	    "  and the FIN's sender.\n"
	    "- A retransmission timeout shorter than the path's round trip (a\n"
	    "  spurious retransmission: the ACK was on its way).\n"
	    "- A slow or delayed ACK from a busy peer.",
	    .next =
	    "- In `tcpfsm --packets -r FILE`: did an ACK of the FIN go by\n"
	    "  before the copy (then it was lost after the capture point)?\n"
	    "- Did the other side answer the copy with an ACK (healthy) or a\n"
	    "  RST (premature_time_wait_exit)?\n"
	    "- The connection's retransmission counters, for loss in general.",
	},
	[AN_HALF_CLOSED] = {
	    .meaning =
	    "One endpoint closed its direction (its FIN was acknowledged) and\n"
	    "the other never sent a FIN: that one is left in CLOSE_WAIT and\n"
	    "the closer in FIN_WAIT_2. Decided when the connection stays\n"
	    "silent for --idle-timeout (300 s), or at the end of the input\n"
	    "after at least --fin-timeout (5 s) of silence; the anomaly names\n"
	    "the endpoint that never closed.",
	    .rule =
	    "RFC 9293 sections 3.6 and 3.6.1 (half-closed connections): each\n"
	    "direction is closed by its own FIN, so one side's \"I have\n"
	    "nothing more to send\" does not close the other direction.\n"
	    "CLOSE_WAIT means the TCP has delivered the peer's FIN (read()\n"
	    "returned 0) and waits for its own application to call close();\n"
	    "TCP never leaves CLOSE_WAIT by itself.",
	    .causes =
	    "- An application that never calls close() after read() returns\n"
	    "  0: a leaked socket on an error path, a connection pool that\n"
	    "  does not notice dead connections, a stuck thread. CLOSE_WAIT\n"
	    "  sockets pile up until the process runs out of file\n"
	    "  descriptors.\n"
	    "- A deliberate half-close: the client sends its request and then\n"
	    "  shutdown(SHUT_WR) (nc -N, some RPC clients), and the server\n"
	    "  takes long to answer.\n"
	    "- On the closer's side, Linux keeps an orphaned FIN_WAIT_2\n"
	    "  socket only for net.ipv4.tcp_fin_timeout (60 s); a FIN that\n"
	    "  comes later meets a RST.",
	    .next =
	    "- On the host in CLOSE_WAIT, which process owns them and how\n"
	    "  many (a non-zero Recv-Q means it never read the rest):\n"
	    "  $ ss -tnp state close-wait\n"
	    "  $ ss -tn state close-wait | wc -l\n"
	    "- File descriptors of that process against its limit:\n"
	    "  $ ls /proc/PID/fd | wc -l\n"
	    "- Stack dumps of the process (jstack, py-spy, gdb) to find the\n"
	    "  code path that forgets close().\n"
	    "- In tcpfsm's JSON: closer, client.state and server.state.",
	},
	[AN_SIMULTANEOUS_CLOSE] = {
	    .meaning =
	    "Both endpoints sent a FIN before either had seen the other's:\n"
	    "the FINs crossed. Each goes FIN_WAIT_1, CLOSING, TIME_WAIT, so\n"
	    "both ends, not just one, keep the 4-tuple in TIME_WAIT for\n"
	    "2 x MSL. The JSON closer is \"both\". Reported as info.",
	    .rule =
	    "RFC 9293 section 3.6 (the simultaneous close): a FIN received in\n"
	    "FIN_WAIT_1 leads to CLOSING, and the acknowledgment of one's own\n"
	    "FIN then leads to TIME_WAIT (section 3.10.7.4).",
	    .causes =
	    "- Protocols where both sides close at the end of an exchange\n"
	    "  (after a QUIT or BYE message), or both sides enforcing the\n"
	    "  same idle timeout.\n"
	    "- A long round trip: the FINs cross in flight.",
	    .next =
	    "- Nothing is wrong. If port exhaustion matters, remember that\n"
	    "  both hosts hold a TIME_WAIT entry:\n"
	    "  $ ss -tan state time-wait | wc -l",
	},
	[AN_RST_AFTER_FIN] = {
	    .meaning =
	    "A connection whose teardown had begun (at least one FIN sent)\n"
	    "was ended by an acceptable RST instead of the last FIN and ACK:\n"
	    "an abortive close. Any data still in flight is thrown away. The\n"
	    "sentence says who sent the RST; reported as info.",
	    .rule =
	    "RFC 9293 sections 3.5.2 and 3.10.7.1: a TCP answers with a RST\n"
	    "any segment of a connection it no longer has, and an application\n"
	    "may abort instead of closing (ABORT, section 3.10.5; SO_LINGER\n"
	    "with a zero timeout). RFC 1122 section 4.2.2.13 and RFC 2525\n"
	    "section 2.17: closing with unread data, or receiving data after\n"
	    "close(), sends a RST to show that data was lost.",
	    .causes =
	    "- The side that closed received more data after its close() (the\n"
	    "  peer did not know yet) and reset: common with HTTP keep-alive\n"
	    "  races, where a server closes an idle connection as the client\n"
	    "  sends a request.\n"
	    "- close() with unread data in the receive buffer.\n"
	    "- SO_LINGER with a zero timeout: load balancers, proxies and\n"
	    "  some servers close this way on purpose to skip TIME_WAIT.\n"
	    "- The closer's orphaned FIN_WAIT_2 socket expired (Linux:\n"
	    "  net.ipv4.tcp_fin_timeout, 60 s) before the other side's FIN\n"
	    "  came.",
	    .next =
	    "- Who sent the RST (the sentence, JSON closer), and did data\n"
	    "  arrive after that side's FIN (`tcpfsm --packets -r FILE`)?\n"
	    "- On Linux:\n"
	    "  $ nstat -az TcpExtTCPAbortOnData TcpExtTCPAbortOnClose\n"
	    "  $ nstat -az TcpExtTCPAbortOnLinger\n"
	    "- If clients see \"connection reset by peer\", compare the\n"
	    "  server's keep-alive timeout with the client's pool idle\n"
	    "  timeout (the server's should be longer).",
	},
	[AN_PREMATURE_TIME_WAIT_EXIT] = {
	    .meaning =
	    "An endpoint that ended the previous connection in TIME_WAIT\n"
	    "acted, less than 2 x MSL (60 s with --msl 30) later, as if\n"
	    "TIME_WAIT were over. Either it took part in a new connection on\n"
	    "the same 4-tuple (sent its SYN, or answered it with a SYN-ACK)\n"
	    "whose SYN met neither RFC 6191 condition (no greater timestamp,\n"
	    "no ISN above the last sequence number its sender used before),\n"
	    "or it answered a repeated FIN of the old connection with a RST\n"
	    "instead of an ACK. The sentence names the old connection and how\n"
	    "early it was.",
	    .rule =
	    "RFC 9293 sections 3.6 and 3.4: the side that closes first stays\n"
	    "in TIME_WAIT for 2 x MSL (Maximum Segment Lifetime: 2 minutes in\n"
	    "RFC 793; Linux uses a fixed 60 s TIME_WAIT). Two reasons: the\n"
	    "final ACK may be lost, and the peer's repeated FIN must then get\n"
	    "an ACK again, not a RST; and old duplicate segments of this\n"
	    "connection must die out in the network before a new connection\n"
	    "on the same 4-tuple could take them for its own. RFC 6191 allows\n"
	    "an earlier reuse only when the new SYN's timestamp (RFC 7323) or\n"
	    "its ISN is above everything of the old connection, so no old\n"
	    "segment can fit.",
	    .causes =
	    "- A host whose TIME_WAIT is shorter than tcpfsm assumes: macOS\n"
	    "  uses an MSL of 15 s (TIME_WAIT 30 s), Windows can be set as\n"
	    "  low as 30 s (TcpTimedWaitDelay). Set --msl to what your hosts\n"
	    "  use if that is accepted.\n"
	    "- Tuning that ends TIME_WAIT early: the old Linux\n"
	    "  net.ipv4.tcp_tw_recycle (removed in 4.12), a TIME_WAIT table\n"
	    "  overflow (net.ipv4.tcp_max_tw_buckets), or timestamps turned\n"
	    "  off.\n"
	    "- A NAT giving the same public port to another inside host too\n"
	    "  soon: the \"same\" endpoint is a different machine with an\n"
	    "  unrelated ISN.\n"
	    "- Load balancers and proxies reusing source ports to a backend\n"
	    "  aggressively.",
	    .next =
	    "- The old connection (related_uid): when it ended and who was in\n"
	    "  TIME_WAIT; whether timestamps were on (JSON client.ts_ok,\n"
	    "  server.ts_ok).\n"
	    "- On the host:\n"
	    "  $ ss -tan state time-wait | wc -l\n"
	    "  $ dmesg | grep -i 'time wait bucket'\n"
	    "  $ nstat -az TcpExtTCPTimeWaitOverflow\n"
	    "  $ sysctl net.ipv4.tcp_max_tw_buckets net.ipv4.tcp_tw_reuse\n"
	    "  $ sysctl net.ipv4.tcp_timestamps\n"
	    "- On a NAT: its port allocation and how soon it reuses a port.",
	},
	[AN_TIME_WAIT_REUSE] = {
	    .meaning =
	    "A new connection started on the 4-tuple of one that had ended\n"
	    "less than 2 x MSL ago, while one endpoint was still in\n"
	    "TIME_WAIT, and the new SYN met RFC 6191: a greater timestamp\n"
	    "(when both ends used timestamps), or else an ISN above the last\n"
	    "sequence number its sender used on the old connection. This is\n"
	    "allowed and safe; the new connection's record names the old uid\n"
	    "and which condition held.",
	    .rule =
	    "RFC 6191 (and RFC 1122 section 4.2.2.13 for the ISN rule): a TCP\n"
	    "in TIME_WAIT may accept a new SYN on the same 4-tuple when old\n"
	    "duplicate segments cannot be taken for the new connection's,\n"
	    "because the new timestamps (RFC 7323) or sequence numbers are\n"
	    "all above the old ones. TIME_WAIT lasts 2 x MSL so that old\n"
	    "segments die out (RFC 9293 section 3.6); these conditions make\n"
	    "the rest of the wait unnecessary.",
	    .causes =
	    "- Clients opening many short connections to one server port and\n"
	    "  reusing source ports quickly: load tests, proxies and load\n"
	    "  balancers talking to a backend, a NAT with few public ports.\n"
	    "- Linux net.ipv4.tcp_tw_reuse on the client, for outgoing\n"
	    "  connections.",
	    .next =
	    "- If there are many, look for ephemeral port pressure:\n"
	    "  $ ss -s\n"
	    "  $ sysctl net.ipv4.ip_local_port_range\n"
	    "- Reusing connections (HTTP keep-alive, connection pools)\n"
	    "  removes the churn.",
	},
	[AN_TIME_WAIT_ASSASSINATION] = {
	    .meaning =
	    "A RST reached an endpoint that was in TIME_WAIT. By RFC 793's\n"
	    "rules the RST ends TIME_WAIT at once, and with it the protection\n"
	    "TIME_WAIT gives (the re-ACK of a lost final ACK, and the\n"
	    "quarantine of old duplicates). Seen within a connection, or\n"
	    "after its record was written as an `anomaly` record under the\n"
	    "old uid.",
	    .rule =
	    "RFC 1337 (\"TIME-WAIT Assassination Hazards in TCP\"): a RST,\n"
	    "for example one provoked by an old duplicate segment, can end\n"
	    "TIME_WAIT early and reopen the hazards TIME_WAIT exists for;\n"
	    "RFC 1337 recommends ignoring RSTs in TIME_WAIT. RFC 9293\n"
	    "section 3.10.7.4 still closes on them; Linux ignores them only\n"
	    "with net.ipv4.tcp_rfc1337 = 1 (the default is 0).",
	    .causes =
	    "- The peer had already forgotten the connection and answered a\n"
	    "  late segment (an old duplicate, or the TIME_WAIT side's\n"
	    "  re-ACK) with a RST.\n"
	    "- Applications or load balancers that send a RST after a\n"
	    "  graceful close.\n"
	    "- Forged RSTs.",
	    .next =
	    "- Which side sent the RST, and what it answered\n"
	    "  (`tcpfsm --packets -r FILE`).\n"
	    "- Does the host protect TIME_WAIT (1 = ignore RSTs there)?\n"
	    "  $ sysctl net.ipv4.tcp_rfc1337\n"
	    "- If the 4-tuple is reused soon after, check the new connection\n"
	    "  for premature_time_wait_exit or seq_out_of_window.",
	},
	[AN_RST_OUT_OF_WINDOW] = {
	    .meaning =
	    "A RST whose sequence number the receiver cannot accept: outside\n"
	    "the window the receiver last advertised (and not exactly the\n"
	    "sender's next sequence number), or, to an endpoint in SYN_SENT,\n"
	    "a RST that does not acknowledge its SYN. The receiver ignores it\n"
	    "and the connection goes on; so does tcpfsm.",
	    .rule =
	    "RFC 9293 sections 3.5.3 and 3.10.7.4: in a synchronized state a\n"
	    "RST is valid only if its sequence number is in the receive\n"
	    "window; in SYN_SENT only if it acknowledges the SYN\n"
	    "(section 3.10.7.3). RFC 5961 section 3 tightens this against\n"
	    "blind injection: only a RST at exactly RCV.NXT closes, an\n"
	    "in-window one gets a challenge ACK. tcpfsm applies the window\n"
	    "test, not RFC 5961's exact match.",
	    .causes =
	    "- Blind RST injection: an attacker guessing sequence numbers to\n"
	    "  kill a long-lived connection (BGP sessions are the classic\n"
	    "  target).\n"
	    "- An IPS, firewall or censorship system sending RSTs with\n"
	    "  guessed or stale numbers.\n"
	    "- A RST meant for an older connection on the same 4-tuple, or\n"
	    "  sent in answer to an old duplicate segment.\n"
	    "- A middlebox rewriting sequence numbers in one direction, or a\n"
	    "  capture that missed window updates (look for ack_unseen_data).",
	    .next =
	    "- Compare the RST's IP TTL and IP ID with its supposed sender's\n"
	    "  other segments:\n"
	    "  $ tcpdump -nn -v -r FILE 'host A and port P'\n"
	    "- Did the connection go on (the RST really was ignored) or die\n"
	    "  (then the capture's view of the window was wrong)?\n"
	    "- On a Linux receiver:\n"
	    "  $ nstat -az TcpExtTCPChallengeACK\n"
	    "- For BGP and other long-lived sessions: TCP-AO or TCP MD5\n"
	    "  protection.",
	},
	[AN_RST_IN_HANDSHAKE] = {
	    .meaning =
	    "The client or the server sent an acceptable RST after the\n"
	    "handshake had begun but before it completed. A RST that plainly\n"
	    "answers the SYN (a refused connection, end \"rejected\") is not\n"
	    "this anomaly. The sentence says who reset; reported as info.",
	    .rule =
	    "RFC 9293 sections 3.5.2, 3.5.3 and 3.10.7: during the handshake\n"
	    "a RST answers an unacceptable segment (an ACK of something never\n"
	    "sent, a SYN-ACK to an old SYN) or abandons an attempt; a passive\n"
	    "opener in SYN_RECEIVED that gets one returns to LISTEN\n"
	    "(section 3.10.7.4).",
	    .causes =
	    "- A SYN scan (nmap -sS, masscan): SYN, SYN-ACK, then the\n"
	    "  scanner's RST. Many such connections from one source to many\n"
	    "  ports is the signature.\n"
	    "- The client gave up (a connect timeout) before the SYN-ACK\n"
	    "  came; its TCP no longer knows the connection and resets.\n"
	    "- An answer to another anomaly: the client's RST after\n"
	    "  synack_bad_ack or ack_instead_of_synack, the server's after\n"
	    "  handshake_ack_bad.\n"
	    "- A server with net.ipv4.tcp_abort_on_overflow = 1 whose accept\n"
	    "  queue was full.",
	    .next =
	    "- Who reset and what segment came just before\n"
	    "  (`tcpfsm --packets -r FILE`).\n"
	    "- For scans, count per source:\n"
	    "  $ tcpfsm -r FILE -F json | jq -r 'select(.anomalies[]?.id\n"
	    "      == \"rst_in_handshake\") | .client.ip' | sort | uniq -c\n"
	    "- On the server:\n"
	    "  $ nstat -az TcpExtListenOverflows",
	},
	[AN_INVALID_FLAGS] = {
	    .meaning =
	    "A segment carried a flag combination no TCP sends: SYN+FIN,\n"
	    "SYN+RST, FIN+RST, no flags at all (a NULL segment), FIN+PSH+URG\n"
	    "(the \"Xmas\" set), or a FIN without ACK. It does not move any\n"
	    "state, except that FIN+RST is processed as the RST it also is.\n"
	    "The sentence shows the flags in hex.",
	    .rule =
	    "RFC 9293 section 3.1: after the first SYN every segment carries\n"
	    "ACK (\"once a connection is established, this is always sent\"),\n"
	    "and a SYN opens while a FIN or RST closes, so no segment can\n"
	    "mean both. Sections 3.10.7.1 and 3.10.7.2: a closed port answers\n"
	    "a FIN, NULL or Xmas probe with a RST while a listening port\n"
	    "drops it silently, which is the difference a scanner measures.",
	    .causes =
	    "- Port scans: FIN, NULL and Xmas scans (nmap -sF, -sN, -sX).\n"
	    "- OS fingerprinting probes (nmap -O sends odd combinations on\n"
	    "  purpose).\n"
	    "- IDS or firewall evasion, fuzzers, floods with odd flags.\n"
	    "- Rarely, corruption: checksums are not verified by default, so\n"
	    "  a flipped bit gets through (try --verify-checksums).",
	    .next =
	    "- Is one source touching many ports or hosts (a scan)? tcpdump\n"
	    "  filters for each kind:\n"
	    "  $ tcpdump -nn -r FILE 'tcp[13] & 0x3f == 0'\n"
	    "  $ tcpdump -nn -r FILE 'tcp[13] & 0x29 == 0x29'\n"
	    "  $ tcpdump -nn -r FILE 'tcp[13] & 0x03 == 0x03'\n"
	    "  (NULL, Xmas, SYN+FIN)\n"
	    "- A perimeter firewall should drop these; check that it does\n"
	    "  (nft or iptables rules on TCP flags).",
	},
	[AN_BAD_TCP_OPTION] = {
	    .meaning =
	    "A TCP option's length is impossible: below 2, running past the\n"
	    "end of the options area, or a size its kind cannot have\n"
	    "(MSS not 4, window scale not 3, SACK-permitted not 2,\n"
	    "timestamps not 10, SACK not 2 + 8n with at most 4 blocks, Fast\n"
	    "Open cookie neither empty nor 4 to 16 bytes). An options area\n"
	    "cut short by the snaplen does not count. The segment is still\n"
	    "replayed; options after a bad length are skipped.",
	    .rule =
	    "RFC 9293 sections 3.1 and 3.2: every option but EOL and NOP is\n"
	    "kind, length, data, and the length counts the kind and length\n"
	    "bytes themselves; a TCP must cope with illegal lengths such as\n"
	    "zero. The sizes come from RFC 9293 section 3.2 (MSS), RFC 7323\n"
	    "(window scale, timestamps), RFC 2018 (SACK) and RFC 7413 (Fast\n"
	    "Open).",
	    .causes =
	    "- Malformed probes from scanners and fingerprinting tools.\n"
	    "- Middleboxes that rewrite options badly (MSS clamping, option\n"
	    "  stripping).\n"
	    "- Broken embedded stacks; bit errors (checksums are not verified\n"
	    "  by default).",
	    .next =
	    "- The sentence gives the option kind: 2 MSS, 3 window scale,\n"
	    "  4 SACK-permitted, 5 SACK, 8 timestamps, 34 Fast Open,\n"
	    "  254 experimental.\n"
	    "- `tcpfsm --packets -r FILE` shows \"bad-opt KIND\" on the\n"
	    "  segment; for the raw bytes:\n"
	    "  $ tcpdump -nn -vv -X -r FILE 'host A and port P'\n"
	    "- Capture on both sides of a device that clamps the MSS\n"
	    "  (iptables TCPMSS) to see who broke it.",
	},
	[AN_BAD_CHECKSUM] = {
	    .meaning =
	    "With --verify-checksums, a segment whose TCP checksum is wrong.\n"
	    "It is counted and marked (C in the Zeek history) and moves no\n"
	    "state, as its receiver would have dropped it. Checksums are not\n"
	    "verified by default.",
	    .rule =
	    "RFC 9293 section 3.1: the checksum covers a pseudo-header\n"
	    "(addresses, protocol, length), the TCP header and the data;\n"
	    "RFC 1122 section 4.2.2.7: the receiver must check it and drop a\n"
	    "segment that fails.",
	    .causes =
	    "- Checksum offload on the capturing host: the segments it sends\n"
	    "  are captured before the network card fills the checksum in, so\n"
	    "  they look bad only in the capture. This is the usual cause,\n"
	    "  and why checking is off by default.\n"
	    "- Real corruption (card, cable, switch, memory); the Ethernet\n"
	    "  CRC catches most, so a bad TCP checksum in a good frame points\n"
	    "  to a device that rewrote the packet.\n"
	    "- A NAT or MSS-clamping middlebox that changed headers without\n"
	    "  fixing the checksum.",
	    .next =
	    "- Are only the capturing host's own outgoing segments bad? Then\n"
	    "  it is offload; ignore them or capture elsewhere:\n"
	    "  $ ethtool -k IFACE | grep checksum\n"
	    "- On the receiving host:\n"
	    "  $ nstat -az TcpInCsumErrors\n"
	    "  $ ethtool -S IFACE | grep -i -e crc -e err",
	},
	[AN_MIDSTREAM] = {
	    .meaning =
	    "The capture began after the connection's handshake: the first\n"
	    "segment seen was not a SYN. tcpfsm guesses the roles (the side\n"
	    "on the lower, well-known port is the server), starts both\n"
	    "endpoints in UNKNOWN, and cannot know the ISNs, the window scale\n"
	    "or the other options, so window checks such as seq_out_of_window\n"
	    "are skipped. This describes the capture, not the endpoints.",
	    .rule =
	    "RFC 9293 section 3.5 and RFC 7323 section 2: what a connection\n"
	    "negotiates (ISNs, MSS, window scale, SACK, timestamps) is said\n"
	    "once, in the SYNs. Without them an observer cannot scale the\n"
	    "windows or tell the client from the server for sure.",
	    .causes =
	    "- The capture started while connections were open (long-lived\n"
	    "  ones: databases, SSH, message brokers, BGP).\n"
	    "- A rotated capture file was left out: pass them all, in order\n"
	    "  (-r a.pcap -r b.pcap ...).\n"
	    "- A connection idle for longer than --idle-timeout (300 s): its\n"
	    "  record was already written, and when it talks again it starts\n"
	    "  a new, midstream one.\n"
	    "- The SYNs took another path (asymmetric routing), or a filter\n"
	    "  dropped them.",
	    .next =
	    "- Compare the capture's first packet time with the connection's\n"
	    "  first segment.\n"
	    "- For long idle connections, raise --idle-timeout (or enable\n"
	    "  keep-alives in the application).\n"
	    "- Read the endpoint states as a guess: UNKNOWN until a FIN or\n"
	    "  RST says more.",
	},
	[AN_ONE_SIDED] = {
	    .meaning =
	    "Over the whole connection the capture saw segments from one\n"
	    "endpoint only, yet that endpoint acknowledged something, so the\n"
	    "other side did answer: the capture missed one direction. The\n"
	    "sentence says which side was seen. The unseen endpoint's state\n"
	    "is inferred, and anomalies that need both directions mean little\n"
	    "here.",
	    .rule =
	    "RFC 9293 section 3.4: each side acknowledges what it received\n"
	    "from the other. An endpoint that acknowledges has heard from its\n"
	    "peer; a capture that holds its ACKs but none of the peer's\n"
	    "segments lost a direction. Replaying both state machines needs\n"
	    "both.",
	    .causes =
	    "- Asymmetric routing: the return traffic leaves through another\n"
	    "  router, firewall or link.\n"
	    "- A SPAN or mirror session configured for one direction only (rx\n"
	    "  or tx).\n"
	    "- Capturing on one member of a bond or LAG, or on one of several\n"
	    "  ECMP paths.\n"
	    "- A capture filter such as 'src host X' or 'dst port Y'.",
	    .next =
	    "- Mirror both directions; capture on the bond master, or on\n"
	    "  -i any.\n"
	    "- Count each direction in the file:\n"
	    "  $ tcpdump -nn -r FILE 'src host A and dst host B' | wc -l\n"
	    "  $ tcpdump -nn -r FILE 'src host B and dst host A' | wc -l\n"
	    "- In -F zeek output the history has letters of one case only\n"
	    "  (all upper or all lower case).",
	},
};

/*
 * One entry for every id and no more: an id added to the catalogue needs
 * its explanation here.  (A repeated index is caught by -Woverride-init.)
 */
_Static_assert(sizeof(explain_table) / sizeof(explain_table[0]) == AN_NIDS,
    "explain_table needs one entry per enum anomaly_id");

/*
 * Write a blank line, label, then text one line at a time after
 * EXPLAIN_INDENT.  Returns 0, or -1 on a write error.
 */
static int
put_section(FILE *fp, const char *label, const char *text)
{
	const char	*p;
	size_t		 n;

	assert(text != NULL);	/* an entry missing from explain_table */
	if (fprintf(fp, "\n%s\n", label) < 0)
		return (-1);
	p = text;
	while (*p != '\0') {
		n = strcspn(p, "\n");
		if (n > 0 && (fputs(EXPLAIN_INDENT, fp) == EOF ||
		    fwrite(p, 1, n, fp) != n))
			return (-1);
		if (putc('\n', fp) == EOF)
			return (-1);
		p += n;
		if (*p == '\n')
			p++;
	}
	return (0);
}

int
explain_anomaly(FILE *fp, enum anomaly_id id)
{
	const struct anomaly_def	*d;
	const struct explain_text	*t;

	if ((d = anomaly_def(id)) == NULL)
		return (-1);
	t = &explain_table[id];
	if (fprintf(fp, "%s (%s, %s)\n", d->name,
	    anomaly_severity_name((enum anomaly_severity)d->sev),
	    d->category) < 0)
		return (-1);
	if (put_section(fp, "Meaning:", t->meaning) == -1 ||
	    put_section(fp, "Rule:", t->rule) == -1 ||
	    put_section(fp, "Usual causes:", t->causes) == -1 ||
	    put_section(fp, "Next:", t->next) == -1)
		return (-1);
	/* Buffered write errors show only now. */
	if (fflush(fp) == EOF || ferror(fp))
		return (-1);
	return (0);
}

int
explain_list(FILE *fp)
{
	const struct anomaly_def	*d;
	int				 i;

	for (i = 0; i < AN_NIDS; i++) {
		d = anomaly_def((enum anomaly_id)i);
		if (fprintf(fp, "%-26s %-7s %s\n", d->name,
		    anomaly_severity_name((enum anomaly_severity)d->sev),
		    d->meaning) < 0)
			return (-1);
	}
	if (fflush(fp) == EOF || ferror(fp))
		return (-1);
	return (0);
}
