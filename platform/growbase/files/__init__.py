"""Attachments: files kept behind one storage (a folder under the data folder by default,
a shared folder when web and workers run on several machines), each checked by what it
holds, not by its name, before it is kept."""
