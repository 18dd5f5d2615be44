# Listens as the proc-net-*.txt files show, then copies /proc/net/{tcp,tcp6,unix}
# into the directory given as argument. Run by regenerate.sh in a network namespace.
import socket, sys
ls = []
def tcp(fam, addr):
    s = socket.socket(fam, socket.SOCK_STREAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(addr); s.listen(); ls.append(s)
tcp(socket.AF_INET, ("127.0.0.1", 3000)); tcp(socket.AF_INET, ("0.0.0.0", 8080))
tcp(socket.AF_INET6, ("::", 9000)); tcp(socket.AF_INET6, ("::1", 5000))
c = socket.create_connection(("127.0.0.1", 3000)); a, _ = ls[0].accept(); ls += [c, a]  # established: not listed
for p in ["/tmp/diaghost-sock/app.sock", "/tmp/diaghost-sock/with space.sock", "\0bgw-abstract"]:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(p); s.listen(); ls.append(s)
u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); u.bind("/tmp/diaghost-sock/dgram.sock"); ls.append(u)
for f in ["tcp", "tcp6", "unix"]:
    open(sys.argv[1] + "/proc-net-" + f + ".txt", "w").write(open("/proc/net/" + f).read())
