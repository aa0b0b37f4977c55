# SPDX-License-Identifier: AGPL-3.0-or-later
# Prints a loopback port P such that P and P + 1 are both free: `plinth serve --listen 127.0.0.1:P`
# puts its data plane on P + 1, and a random free P alone often found P + 1 taken on a busy machine.
import socket

for _ in range(200):
    a = socket.socket()
    a.bind(("127.0.0.1", 0))
    p = a.getsockname()[1]
    if p >= 65535:
        a.close()
        continue
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", p + 1))
    except OSError:
        a.close()
        b.close()
        continue
    a.close()
    b.close()
    print(p)
    break
else:
    raise SystemExit("no free pair of loopback ports P, P + 1")
