#!/usr/bin/env python3
"""Fills in deploy/nginx/quiz.conf.in.

    deploy/nginx/render.py --prefix /var/lib/quiz-nginx --listen 0.0.0.0:80 --listen-tls 0.0.0.0:443 \
        --cert /etc/ssl/quiz/fullchain.pem --key /etc/ssl/quiz/key.pem \
        --server 10.0.0.11:8080 --server 10.0.0.12:8080 > /etc/nginx/quiz.conf
    nginx -c /etc/nginx/quiz.conf
"""
import argparse
import os
import sys

TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'quiz.conf.in')


def render(prefix, listen, listen_tls, cert, key, servers):
    lines = '\n        '.join('server %s max_fails=1 fail_timeout=2s;' % s for s in servers)
    text = open(TEMPLATE).read()
    for name, value in (('@PREFIX@', prefix), ('@LISTEN@', listen), ('@LISTEN_TLS@', listen_tls),
                        ('@CERT@', cert), ('@KEY@', key), ('@SERVERS@', lines)):
        text = text.replace(name, value)
    return text


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--prefix', required=True)
    parser.add_argument('--listen', default='0.0.0.0:80')
    parser.add_argument('--listen-tls', default='0.0.0.0:443')
    parser.add_argument('--cert', required=True)
    parser.add_argument('--key', required=True)
    parser.add_argument('--server', action='append', required=True, help='HOST:PORT of an instance; repeatable')
    args = parser.parse_args()
    sys.stdout.write(render(args.prefix, args.listen, args.listen_tls, args.cert, args.key, args.server))
