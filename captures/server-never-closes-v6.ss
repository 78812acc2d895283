# client tcpfsm-rec-c 198.18.0.1 2001:db8::1
State      Recv-Q Send-Q Local Address:Port   Peer Address:PortProcess
FIN-WAIT-2 0      0      [2001:db8::1]:38412 [2001:db8::2]:8080       
# server tcpfsm-rec-s 198.18.0.2 2001:db8::2
State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
LISTEN     0      1      [2001:db8::2]:8080          [::]:*           
CLOSE-WAIT 1      0      [2001:db8::2]:8080 [2001:db8::1]:38412       
