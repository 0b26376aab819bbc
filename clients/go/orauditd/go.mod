module orauditd.local/orauditd

go 1.19
