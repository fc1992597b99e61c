<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>AgentController</name>
    <message>
        <location filename="../../agent/app.py" line="198"/>
        <source>The viewer crashed.</source>
        <translation>뷰어가 비정상 종료되었습니다.</translation>
    </message>
    <message>
        <location filename="../../agent/app.py" line="200"/>
        <source>The viewer exited with code {0}.</source>
        <translation>뷰어가 종료되었습니다(종료 코드 {0}).</translation>
    </message>
</context>
<context>
    <name>BackgroundRunner</name>
    <message>
        <location filename="../../agent/background.py" line="44"/>
        <source>Internal error: {0}: {1}</source>
        <translation>내부 오류: {0}: {1}</translation>
    </message>
</context>
<context>
    <name>CodeLabel</name>
    <message>
        <location filename="../../ui/widgets.py" line="39"/>
        <source>Connection code</source>
        <translation>접속 코드</translation>
    </message>
</context>
<context>
    <name>CodePanel</name>
    <message>
        <location filename="../../agent/main_window.py" line="37"/>
        <source>Connection code</source>
        <translation>접속 코드</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="38"/>
        <source>New connection code</source>
        <translation>새 접속 코드 발급</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="46"/>
        <source>The customer opens this address and enters the code above:</source>
        <translation>고객이 아래 주소에 접속하여 위 접속 코드를 입력합니다:</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="66"/>
        <source>No code yet</source>
        <translation>발급된 접속 코드 없음</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="83"/>
        <source>Code used by the customer</source>
        <translation>고객이 접속 코드를 사용함</translation>
    </message>
</context>
<context>
    <name>CountdownLabel</name>
    <message>
        <location filename="../../ui/widgets.py" line="97"/>
        <source>Expired</source>
        <translation>만료됨</translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="101"/>
        <source>Expires in {0}</source>
        <translation>{0} 후 만료</translation>
    </message>
</context>
<context>
    <name>HostDialogs</name>
    <message>
        <location filename="../../host_module/dialogs.py" line="23"/>
        <source>Ferry remote support</source>
        <translation>Ferry 원격지원</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="27"/>
        <source>Type the 6-digit connection code the agent gave you:</source>
        <translation>상담원이 알려 드린 6자리 접속 코드를 입력하세요:</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="35"/>
        <source>Connect</source>
        <translation>접속</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="49"/>
        <source>{agent} of {company} asks to see your screen for remote support.

Security code: {sas}. If the agent reads you a different code, refuse.

Nothing is shared until you allow it.</source>
        <translation>{company} {agent} 상담원이 원격지원을 위해 고객님의 화면 보기를 요청합니다.

보안 코드: {sas}. 상담원이 불러 주는 코드가 이와 다르면 거부하세요.

허용하기 전에는 어떤 정보도 공유되지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="55"/>
        <source>Allow remote support?</source>
        <translation>원격지원을 허용하시겠습니까?</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="56"/>
        <source>Allow</source>
        <translation>허용</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="57"/>
        <location filename="../../host_module/dialogs.py" line="69"/>
        <source>Refuse</source>
        <translation>거부</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="62"/>
        <source>{agent} asks to control your mouse and keyboard. You can take control back at any time from the notice window.</source>
        <translation>{agent} 상담원이 고객님 PC의 마우스와 키보드 제어권을 요청합니다. 접속 안내 창에서 언제든지 제어권을 회수할 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="67"/>
        <source>Allow control?</source>
        <translation>제어권을 허용하시겠습니까?</translation>
    </message>
    <message>
        <location filename="../../host_module/dialogs.py" line="68"/>
        <source>Allow control</source>
        <translation>제어 허용</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../agent/login_dialog.py" line="42"/>
        <source>Ferry agent — log in</source>
        <translation>Ferry 에이전트 — 로그인</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="46"/>
        <source>Log in to Ferry</source>
        <translation>Ferry 로그인</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="53"/>
        <source>ID</source>
        <translation>아이디</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="54"/>
        <source>Password</source>
        <translation>비밀번호</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="55"/>
        <source>Server</source>
        <translation>서버</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="59"/>
        <source>Log in</source>
        <translation>로그인</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="60"/>
        <source>Quit</source>
        <translation>종료</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="83"/>
        <source>Enter your ID and password.</source>
        <translation>아이디와 비밀번호를 입력하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="86"/>
        <source>The server address must start with https://.</source>
        <translation>서버 주소는 https://로 시작해야 합니다.</translation>
    </message>
    <message>
        <location filename="../../agent/login_dialog.py" line="119"/>
        <source>Logging in…</source>
        <translation>로그인 중…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../agent/main_window.py" line="94"/>
        <source>Ferry agent — {0}</source>
        <translation>Ferry 에이전트 — {0}</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="100"/>
        <source>Connecting to the server…</source>
        <translation>서버에 연결하는 중…</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="117"/>
        <source>Sessions</source>
        <translation>세션 목록</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="129"/>
        <source>Code</source>
        <translation>접속 코드</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="129"/>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="129"/>
        <source>Customer PC</source>
        <translation>고객 PC</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="129"/>
        <source>Details</source>
        <translation>상세 정보</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="141"/>
        <source>Viewer waiting</source>
        <translation>뷰어 대기</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="142"/>
        <location filename="../../agent/main_window.py" line="187"/>
        <source>In session</source>
        <translation>원격지원 중</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="149"/>
        <source>Connected to the server: customers who enter a code will appear here.</source>
        <translation>서버에 연결되었습니다. 접속 코드를 입력한 고객이 여기에 표시됩니다.</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="151"/>
        <source>Disconnected from the server: {0}</source>
        <translation>서버와의 연결이 끊어졌습니다: {0}</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="153"/>
        <source>Reconnecting to the server ({0})…</source>
        <translation>서버에 다시 연결하는 중({0})…</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="184"/>
        <source>Waiting for customer</source>
        <translation>고객 접속 대기</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="185"/>
        <source>Expired</source>
        <translation>만료됨</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="186"/>
        <source>Customer joined</source>
        <translation>고객 접속됨</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="188"/>
        <source>Ended</source>
        <translation>종료됨</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="189"/>
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <location filename="../../agent/main_window.py" line="190"/>
        <source>Viewer crashed</source>
        <translation>뷰어 비정상 종료</translation>
    </message>
</context>
<context>
    <name>NoticeWindow</name>
    <message>
        <location filename="../../host_module/notice.py" line="20"/>
        <source>Ferry remote support</source>
        <translation>Ferry 원격지원</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="22"/>
        <source>Agent: {name} ({company})</source>
        <translation>상담원: {name} ({company})</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="23"/>
        <source>Security code: —</source>
        <translation>보안 코드: —</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="24"/>
        <source>Connecting…</source>
        <translation>연결 중…</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="25"/>
        <location filename="../../host_module/notice.py" line="73"/>
        <source>The agent can only watch.</source>
        <translation>상담원은 화면 보기만 할 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="26"/>
        <source>Connected for less than a minute</source>
        <translation>연결 시간: 1분 미만</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="27"/>
        <source>Take back control</source>
        <translation>제어권 회수</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="29"/>
        <source>End</source>
        <translation>연결 종료</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="55"/>
        <source>Security code: {sas}</source>
        <translation>보안 코드: {sas}</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="61"/>
        <source>Secured. Waiting for your answer…</source>
        <translation>보안 연결이 완료되었습니다. 고객님의 응답을 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="64"/>
        <source>Remote support in progress</source>
        <translation>원격지원 진행 중</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="67"/>
        <source>Remote support ended: {reason}</source>
        <translation>원격지원이 종료되었습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="72"/>
        <source>The agent controls your mouse and keyboard.</source>
        <translation>상담원이 마우스와 키보드를 제어하고 있습니다.</translation>
    </message>
    <message>
        <location filename="../../host_module/notice.py" line="78"/>
        <source>Connected for {minutes} min</source>
        <translation>연결 시간: {minutes}분</translation>
    </message>
</context>
<context>
    <name>ServerClient</name>
    <message>
        <location filename="../../agent/api.py" line="151"/>
        <source>You are not logged in: log in first.</source>
        <translation>로그인되어 있지 않습니다. 먼저 로그인하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/api.py" line="162"/>
        <source>Could not connect to the server at {0}: {1}. Check the address and that the server is running.</source>
        <translation>{0} 서버에 연결할 수 없습니다: {1}. 서버 주소가 올바른지, 서버가 실행 중인지 확인하세요.</translation>
    </message>
    <message>
        <location filename="../../agent/api.py" line="174"/>
        <source>the secure connection failed (certificate not trusted)</source>
        <translation>보안 연결에 실패했습니다(신뢰할 수 없는 인증서)</translation>
    </message>
    <message>
        <location filename="../../agent/api.py" line="177"/>
        <source>no answer in time</source>
        <translation>제한 시간 안에 응답이 없습니다</translation>
    </message>
    <message>
        <location filename="../../agent/api.py" line="179"/>
        <source>the connection was refused or dropped</source>
        <translation>연결이 거부되었거나 끊어졌습니다</translation>
    </message>
    <message>
        <location filename="../../agent/api.py" line="191"/>
        <source>The server refused the request: {0}.</source>
        <translation>서버가 요청을 거부했습니다: {0}.</translation>
    </message>
    <message>
        <location filename="../../agent/api.py" line="193"/>
        <source>The server answered HTTP {0}.</source>
        <translation>서버가 HTTP {0} 오류를 반환했습니다.</translation>
    </message>
</context>
<context>
    <name>ViewerLauncher</name>
    <message>
        <location filename="../../agent/launcher.py" line="134"/>
        <source>Could not start the viewer ({0}): {1}</source>
        <translation>뷰어를 시작할 수 없습니다({0}): {1}</translation>
    </message>
</context>
<context>
    <name>ViewerWindow</name>
    <message>
        <location filename="../../viewer/window.py" line="64"/>
        <source>Connecting to the relay…</source>
        <translation>중계 서버에 연결하는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="69"/>
        <location filename="../../viewer/window.py" line="133"/>
        <source>Ferry viewer</source>
        <translation>Ferry 뷰어</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="74"/>
        <source>Session</source>
        <translation>세션</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="75"/>
        <source>Request control</source>
        <translation>제어권 요청</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="78"/>
        <source>End session</source>
        <translation>연결 종료</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="127"/>
        <source>You have control of the customer&apos;s mouse and keyboard.</source>
        <translation>고객 PC의 마우스와 키보드를 제어하고 있습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="131"/>
        <source>View only: the customer has not given control.</source>
        <translation>화면 보기 전용: 고객이 제어권을 허용하지 않았습니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="139"/>
        <source>Waiting for the customer to connect…</source>
        <translation>고객의 접속을 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="141"/>
        <source>Securing the connection…</source>
        <translation>보안 연결을 설정하는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="143"/>
        <source>Security code: {sas}</source>
        <translation>보안 코드: {sas}</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="144"/>
        <source>Waiting for the customer to agree…</source>
        <translation>고객의 동의를 기다리는 중…</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="147"/>
        <source>Live. View only until the customer gives control.</source>
        <translation>연결되었습니다. 고객이 제어권을 허용할 때까지 화면 보기만 가능합니다.</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="158"/>
        <source>Session ended: {reason}</source>
        <translation>원격지원이 종료되었습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../viewer/window.py" line="170"/>
        <source>Control requested; waiting for the customer…</source>
        <translation>제어권을 요청했습니다. 고객의 응답을 기다리는 중…</translation>
    </message>
</context>
</TS>
