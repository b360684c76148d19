package lab

// sysSetns is setns(2) on linux/amd64 (the frozen syscall package lacks it).
const sysSetns = 308
