# client tcpfsm-rec-c 198.18.0.1 2001:db8::1
State    Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
SYN-SENT 0      1         198.18.0.1:48848   198.18.0.2:8082       
# server tcpfsm-rec-s 198.18.0.2 2001:db8::2
State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
LISTEN 0      1         198.18.0.2:8082      0.0.0.0:*          
