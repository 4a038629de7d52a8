"""merge_reader.py DIR STOPFILE: read DIR/atom.xml, rss.xml and feed.json
over and over until STOPFILE exists, parsing each read strictly; print
"reads N partial M" where M counts reads that did not parse."""
import json
import os
import sys
import xml.dom.minidom

d, stop = sys.argv[1:3]
reads = bad = 0
while True:
    done = os.path.exists(stop)	# one more round after the writer ends
    for name in ('atom.xml', 'rss.xml', 'feed.json'):
        with open(os.path.join(d, name), 'rb') as f:
            data = f.read()
        reads += 1
        try:
            if name.endswith('.json'):
                json.loads(data)
            else:
                xml.dom.minidom.parseString(data)
        except Exception as e:
            bad += 1
            print('# %s: %s' % (name, e), file=sys.stderr)
    if done:
        break
print('reads %d partial %d' % (reads, bad))
