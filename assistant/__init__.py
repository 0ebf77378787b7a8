"""The Defence Pacts Assistant: questions about European defence agreements, answered from data.

The path of a question: data (load) -> parse -> build_sql -> validate -> run -> charts -> answer.
"""

__version__ = "0.1.0"
