#!/bin/sh
# certbot deploy hook written by ftpswiz. Install as /etc/letsencrypt/renewal-hooks/deploy/ftpswiz-vsftpd.sh (mode 0755):
# certbot runs every executable file in renewal-hooks/deploy/ after it renewed a
# certificate, with RENEWED_DOMAINS naming the lineage's names. vsftpd reads its
# certificate only at start, so it restarts here; without this hook it keeps
# serving the old certificate until it expires.
# Test it: RENEWED_DOMAINS=ftps.example.com sh /etc/letsencrypt/renewal-hooks/deploy/ftpswiz-vsftpd.sh
set -eu
# Only the lineage vsftpd uses: other certificates on this host are not ours.
case " ${RENEWED_DOMAINS:-} " in
*" ftps.example.com "*) ;;
*) exit 0 ;;
esac
systemctl restart vsftpd.service
