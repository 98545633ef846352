"""Static files with hashed names, compressed, served by whitenoise."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's storage, tolerant of a stylesheet that points at a file its package does not
    ship (viewflow's Roboto CSS names font weights it leaves out): that reference is kept as
    written instead of failing `collectstatic`."""

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def tolerant(matchobj):
            try:
                return convert(matchobj)
            except ValueError:
                return matchobj.group(0)

        return tolerant
