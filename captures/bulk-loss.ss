# client tcpfsm-rec-c 198.18.0.1 2001:db8::1
State     Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
TIME-WAIT 0      0         198.18.0.1:34872   198.18.0.2:8086       
# server tcpfsm-rec-s 198.18.0.2 2001:db8::2
State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
