package lab

// sysSetns is setns(2) on linux/386 (the frozen syscall package lacks it).
const sysSetns = 346
