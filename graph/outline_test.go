package graph

import (
	"os"
	"strings"
	"testing"
)

func TestOutlineSections(t *testing.T) {
	real, err := os.ReadFile("../seed/source/000_2592a937df914d84.txt")
	if err != nil {
		t.Fatal(err)
	}
	small, err := os.ReadFile("../seed/testdata/source/small.txt")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		text  string
		title string
		quote string // first occurrence is looked up
		want  string
	}{
		{"real: document number", string(real), "闵行区科学技术委员会2024年工作总结", "闵科委〔2025〕11号", SectionNotice},
		{"real: issue date", string(real), "闵行区科学技术委员会2024年工作总结", "2025年2月6日印发", SectionNotice},
		{"real: opening paragraph", string(real), "闵行区科学技术委员会2024年工作总结", "着力打造科学、科技、科创“三科之城”", SectionPreamble},
		{"real: level 1 heading line", string(real), "闵行区科学技术委员会2024年工作总结", "一、主要目标完成情况", "一、"},
		{"real: level 1 body", string(real), "闵行区科学技术委员会2024年工作总结", "全社会研发投入266.18亿元", "一、"},
		{"real: level 2 body", string(real), "闵行区科学技术委员会2024年工作总结", "与上海交大、华东师大等高校共同推进“大零号湾”建设", "二、（一）"},
		{"real: level 2 (二)", string(real), "闵行区科学技术委员会2024年工作总结", "上海昇思生态创新中心正式启动运营", "二、（二）"},
		{"real: last section", string(real), "闵行区科学技术委员会2024年工作总结", "高于全市平均值1.6个百分点", "二、（四）"},
		{"real: without title everything before 一、 is 总述", string(real), "", "闵科委〔2025〕11号", SectionPreamble},
		{"small: notice", string(small), "测试委员会工作总结", "各单位", SectionNotice},
		{"small: title line", string(small), "测试委员会工作总结", "测试委员会工作总结\n", SectionPreamble},
		{"small: 二、（一）", string(small), "测试委员会工作总结", "签订战略合作协议", "二、（一）"},
		{"half-width parentheses are normalised", "一、甲\n(三)乙\n正文。", "", "正文", "一、（三）"},
		{"level 2 before any level 1", "（一）甲\n正文。", "", "正文", "（一）"},
		{"a long numbered paragraph is not a heading", "一、甲\n二、" + strings.Repeat("长", 70) + "\n正文。", "", "正文", "一、"},
		{"a numbered sentence is not a heading", "一、甲\n二、这是一句话。\n正文。", "", "正文", "一、"},
		{"heading on the first line", "一、甲\n正文。", "", "正文", "一、"},
		{"title on the first line", "标题\n正文。", "标题", "正文", SectionPreamble},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOutline(tt.text, tt.title)
			occ := o.Find(tt.quote)
			if len(occ) == 0 {
				t.Fatalf("quote %q not in text", tt.quote)
			}
			if got := o.SectionAt(occ[0]); got != tt.want {
				t.Errorf("SectionAt(%q) = %q, want %q (sections %+v)", tt.quote, got, tt.want, o.Sections)
			}
			if !o.HasSection(tt.want) {
				t.Errorf("HasSection(%q) = false", tt.want)
			}
		})
	}
}

func TestOutlineOffsets(t *testing.T) {
	text := "ab\n中文\n末尾中文"
	o := NewOutline(text, "")
	tests := []struct {
		quote     string
		wantStart []int
		wantLine  int
	}{
		{"ab", []int{0}, 1},
		{"中文", []int{3, 8}, 2},
		{"文\n末", []int{4}, 2},
		{"尾", []int{7}, 3},
		{"无", nil, 0},
	}
	for _, tt := range tests {
		got := o.Find(tt.quote)
		if len(got) != len(tt.wantStart) {
			t.Fatalf("Find(%q) = %v, want %v", tt.quote, got, tt.wantStart)
		}
		for i := range got {
			if got[i] != tt.wantStart[i] {
				t.Fatalf("Find(%q) = %v, want %v", tt.quote, got, tt.wantStart)
			}
			s, ok := o.Slice(got[i], got[i]+len([]rune(tt.quote)))
			if !ok || s != tt.quote || string([]rune(text)[got[i]:got[i]+len([]rune(tt.quote))]) != tt.quote {
				t.Errorf("Slice at %d = %q, want %q", got[i], s, tt.quote)
			}
		}
		if len(got) > 0 && o.LineAt(got[0]) != tt.wantLine {
			t.Errorf("LineAt(%d) = %d, want %d", got[0], o.LineAt(got[0]), tt.wantLine)
		}
	}
	if _, ok := o.Slice(5, 100); ok {
		t.Error("Slice out of range reported ok")
	}
	if got := o.Find("aa"); len(got) != 0 {
		t.Errorf("Find(aa) = %v", got)
	}
	if got := NewOutline("aaa", "").Find("aa"); len(got) != 2 {
		t.Errorf("overlapping Find = %v, want 2 occurrences", got)
	}
}
