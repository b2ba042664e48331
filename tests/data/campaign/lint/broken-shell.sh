#!/bin/sh
# A script shellcheck must report.
for f in $(ls /results/shard-*); do echo $f; done
