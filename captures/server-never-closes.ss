# client tcpfsm-rec-c 198.18.0.1
State      Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
FIN-WAIT-2 0      0         198.18.0.1:51380   198.18.0.2:8080       
# server tcpfsm-rec-s 198.18.0.2
State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN     0      1         198.18.0.2:8080      0.0.0.0:*           
CLOSE-WAIT 1      0         198.18.0.2:8080   198.18.0.1:51380       
