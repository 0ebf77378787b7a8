# One app replica: the Streamlit page on the bundled data (read-only inside the image), port 8501.
# compose.yaml runs several of these behind nginx.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY assistant ./assistant
RUN pip install .
COPY .streamlit ./.streamlit
COPY prompts ./prompts
COPY data ./data
COPY tests/suites ./tests/suites
RUN useradd --create-home app && chown -R app /app/tests/suites
USER app
EXPOSE 8501
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2)"
# exec: SIGTERM from `docker stop` reaches Streamlit itself.
CMD ["python", "-m", "streamlit", "run", "assistant/app.py", "--server.address=0.0.0.0", "--server.port=8501"]
