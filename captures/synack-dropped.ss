# client tcpfsm-rec-c 198.18.0.1 2001:db8::1
State    Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
SYN-SENT 0      1         198.18.0.1:43992   198.18.0.2:8083       
# server tcpfsm-rec-s 198.18.0.2 2001:db8::2
State    Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN   0      1         198.18.0.2:8083      0.0.0.0:*           
SYN-RECV 0      0         198.18.0.2:8083   198.18.0.1:43992       
