module orauditd.local/clientdriver

go 1.19

require orauditd.local/orauditd v0.0.0

replace orauditd.local/orauditd => ../../../../clients/go/orauditd
