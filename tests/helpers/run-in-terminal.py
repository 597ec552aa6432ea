"""Runs a command in a pseudo-terminal of a given size and copies what it prints to stdout.

Usage: python3 run-in-terminal.py COLUMNS ROWS COMMAND [ARG...]. Exits with the command's exit code
(128 + N when signal N ended it). Python's pty module gives the command a terminal as its
stdin, stdout and stderr, as a shell in tmux would, without a native npm package.
"""
import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

columns, rows, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
master, terminal = pty.openpty()
# the size is set before the command starts, so its first look at the terminal sees it
fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack('HHHH', rows, columns, 0, 0))
command = subprocess.Popen(argv, stdin=terminal, stdout=terminal, stderr=terminal, start_new_session=True)
os.close(terminal)
out = sys.stdout.buffer
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: every handle on the terminal's side is closed
        break
    if not chunk:
        break
    out.write(chunk)
    out.flush()
code = command.wait()
sys.exit(code if code >= 0 else 128 - code)
