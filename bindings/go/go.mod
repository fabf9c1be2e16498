module libmtasts.org/mtasts

go 1.19
