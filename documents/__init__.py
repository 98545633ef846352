"""Documents: safe .docx intake, versions, text extraction and the generated Party documents."""
