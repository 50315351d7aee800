"""INCEpTION round trip: annotation files to UIMA CAS XMI (with the layers' type system) and back.

:mod:`.typesystem` generates the type system from the annotation schema, :mod:`.export` turns an
annotation file and its text into a CAS, :mod:`.restore` turns a CAS back into an annotation
file, :mod:`.files` reads and writes export folders and zips, and :mod:`.structure` checks a CAS
the way INCEpTION's own consistency checks would. docs/interop.md documents the mapping.
"""
